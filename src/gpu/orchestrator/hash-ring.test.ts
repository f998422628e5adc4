import { describe, expect, it } from 'vitest';
import { HashRing } from './hash-ring.ts';

const keys = Array.from({ length: 2_000 }, (_, i) => `region-${i}`);

function ringOf(...nodes: string[]): HashRing {
  const ring = new HashRing();
  for (const node of nodes) ring.add(node);
  return ring;
}

function owners(ring: HashRing): Map<string, string | undefined> {
  return new Map(keys.map((key) => [key, ring.lookup(key)]));
}

describe('hash ring', () => {
  it('spreads keys over its nodes, each near its fair share', () => {
    const ring = ringOf('a', 'b', 'c', 'd');
    const counts = new Map<string, number>();
    for (const owner of owners(ring).values()) counts.set(owner!, (counts.get(owner!) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const count of counts.values()) expect(count / keys.length).toBeGreaterThan(0.15);
    for (const count of counts.values()) expect(count / keys.length).toBeLessThan(0.35);
  });

  it('maps a key to the same node every time and in every ring built the same way', () => {
    expect(owners(ringOf('a', 'b', 'c'))).toEqual(owners(ringOf('c', 'a', 'b')));
  });

  it('hands only the removed node’s keys to the others, each to the next node on its walk', () => {
    const ring = ringOf('a', 'b', 'c', 'd');
    const before = owners(ring);
    const nextAfterB = new Map(keys.map((key) => [key, [...ring.walk(key)].find((node) => node !== 'b')]));
    ring.remove('b');
    const after = owners(ring);
    for (const key of keys) {
      if (before.get(key) === 'b') expect(after.get(key)).toBe(nextAfterB.get(key));
      else expect(after.get(key)).toBe(before.get(key));
    }
  });

  it('gives a new node only the keys that now map to it, about 1/n of them', () => {
    const ring = ringOf('a', 'b', 'c');
    const before = owners(ring);
    ring.add('d');
    const after = owners(ring);
    const moved = keys.filter((key) => before.get(key) !== after.get(key));
    expect(moved.every((key) => after.get(key) === 'd')).toBe(true);
    expect(moved).toEqual(keys.filter((key) => after.get(key) === 'd'));
    expect(moved.length / keys.length).toBeGreaterThan(0.15);
    expect(moved.length / keys.length).toBeLessThan(0.35);
  });

  it('walks every node once from the key’s home, and skips the nodes not accepted', () => {
    const ring = ringOf('a', 'b', 'c');
    const walk = [...ring.walk('region-7')];
    expect([...walk].sort()).toEqual(['a', 'b', 'c']);
    expect(walk[0]).toBe(ring.lookup('region-7'));
    expect(ring.lookup('region-7', (node) => node !== walk[0])).toBe(walk[1]);
    expect(ring.lookup('region-7', () => false)).toBeUndefined();
    expect(new HashRing().lookup('region-7')).toBeUndefined();
  });

  it('tells each node’s share of the key space, a node not accepted owning none', () => {
    const ring = ringOf('a', 'b', 'c');
    const shares = ring.shares();
    expect([...shares.values()].reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 9);
    const withoutC = ring.shares((node) => node !== 'c');
    expect(withoutC.has('c')).toBe(false);
    expect(withoutC.get('a')! + withoutC.get('b')!).toBeCloseTo(1, 9);
  });

  it('refuses a count of virtual nodes that is not a positive integer', () => {
    expect(() => new HashRing(0)).toThrow(/positive integer/);
    expect(() => new HashRing(1.5)).toThrow(/positive integer/);
  });
});
