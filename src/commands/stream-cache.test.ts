import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { REMEMBERED_COMMANDS, StreamCache, StreamEntry } from './stream-cache.ts';

const sum = { initialState: () => 0, evolve: (state: number, event: { data: number }) => state + event.data };

function event(revision: number, commandId = `c${revision}`): StoredEvent {
  return {
    id: `e${revision}`,
    streamId: 's',
    type: 'Added',
    data: revision + 1,
    metadata: { timestamp: '2026-01-01T00:00:00.000Z', commandId },
    revision: BigInt(revision),
    position: BigInt(revision + 1),
  };
}

describe('stream cache', () => {
  it('moves an entry forward only by the next revision, remembering the latest commands', () => {
    const entry = new StreamEntry(sum);
    expect(entry.apply(event(0, 'x'))).toBe(true);
    expect(entry.apply(event(1, 'x'))).toBe(true);
    expect(entry.apply(event(1, 'x'))).toBe(true);
    expect(entry.apply(event(3))).toBe(false);
    expect(entry).toMatchObject({ state: 3, revision: 1n });
    expect(entry.commands.get('x')).toEqual({ fromRevision: 0n, count: 2 });
    for (let i = 2; i < REMEMBERED_COMMANDS + 3; i++) entry.apply(event(i));
    expect(entry.commands.size).toBe(REMEMBERED_COMMANDS);
    expect(entry.commands.has('x')).toBe(false);
  });

  it('applies a live event that is next, and drops the entry on a gap', () => {
    const cache = new StreamCache(10);
    const entry = new StreamEntry(sum);
    entry.apply(event(0));
    cache.offer('s', entry);
    cache.follow(event(1));
    expect(cache.get('s', sum)?.revision).toBe(1n);
    cache.follow(event(3));
    expect(cache.get('s', sum)).toBeUndefined();
  });

  it('hands a load the live events that arrived while it read', async () => {
    const cache = new StreamCache(10);
    const loaded = await cache.whileLoading('s', async () => {
      cache.follow(event(0));
      cache.follow(event(1));
      return [event(0)];
    });
    expect(loaded.arrived.map((e) => e.revision)).toEqual([0n, 1n]);
    const entry = new StreamEntry(sum);
    for (const e of [...loaded.read, ...loaded.arrived]) expect(entry.apply(e)).toBe(true);
    expect(entry.revision).toBe(1n);
    cache.follow(event(2));
    expect(cache.get('s', sum)).toBeUndefined();
  });

  it('keeps the further entry when two loads offer theirs', () => {
    const cache = new StreamCache(10);
    const ahead = new StreamEntry(sum);
    ahead.apply(event(0));
    ahead.apply(event(1));
    const behind = new StreamEntry(sum);
    behind.apply(event(0));
    cache.offer('s', ahead);
    cache.offer('s', behind);
    expect(cache.get('s', sum)).toBe(ahead);
  });
});
