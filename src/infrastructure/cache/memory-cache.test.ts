import { describe, expect, it } from 'vitest';
import { cacheContract } from './cache.contract.ts';
import { MemoryCache } from './memory-cache.ts';

cacheContract({ name: 'in memory', open: async () => new MemoryCache() });

describe('MemoryCache', () => {
  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = new MemoryCache({ maxEntries: 2 });
    await cache.set('a', 1, 60_000);
    await cache.set('b', 2, 60_000);
    await cache.get('a');
    await cache.set('c', 3, 60_000);
    expect(await cache.get('a')).toBe(1);
    expect(await cache.get('b')).toBeUndefined();
    expect(await cache.get('c')).toBe(3);
  });
});
