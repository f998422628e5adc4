import { describe, expect, it } from 'vitest';
import { JournaledMap } from './journaled-map.ts';

describe('JournaledMap', () => {
  it('given changes since begin, when rolled back, then it holds what it held at begin', () => {
    const map = new JournaledMap<string, number>();
    map.set('kept', 1);
    map.set('changed', 2);
    map.set('deleted', 3);
    map.begin();
    map.set('changed', 20);
    map.set('changed', 200);
    map.delete('deleted');
    map.set('added', 4);
    expect([...map.entries()]).toEqual([
      ['kept', 1],
      ['changed', 200],
      ['added', 4],
    ]);
    map.rollback();
    expect(Object.fromEntries(map)).toEqual({ kept: 1, changed: 2, deleted: 3 });
  });

  it('undoes a clear, forgets the journal at the next begin, and rolls back nothing without one', () => {
    const map = new JournaledMap<string, number>();
    map.set('a', 1);
    map.rollback();
    expect(Object.fromEntries(map)).toEqual({ a: 1 });
    map.begin();
    map.clear();
    map.rollback();
    expect(Object.fromEntries(map)).toEqual({ a: 1 });
    map.set('b', 2);
    map.begin();
    map.set('c', 3);
    map.rollback();
    expect(Object.fromEntries(map)).toEqual({ a: 1, b: 2 });
  });
});
