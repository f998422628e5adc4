import { LRUCache } from 'lru-cache';
import { type Cache, checkTtl } from './cache.ts';

export interface MemoryCacheOptions {
  /** Entries kept before the least recently used is evicted; default 50 000. */
  maxEntries?: number;
}

/** In process, over lru-cache. Values go in and come out as structured clones, so callers share nothing. */
export class MemoryCache implements Cache {
  readonly name = 'memory';
  // Wrapped, because lru-cache does not store null or undefined values.
  private readonly entries: LRUCache<string, { value: unknown }>;

  constructor(options: MemoryCacheOptions = {}) {
    this.entries = new LRUCache({ max: options.maxEntries ?? 50_000 });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const entry = this.entries.get(key);
    return entry === undefined ? undefined : (structuredClone(entry.value) as T);
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    checkTtl(ttlMs);
    this.entries.set(key, { value: structuredClone(value) }, { ttl: Math.ceil(ttlMs) });
  }

  async delete(keys: string | string[]): Promise<void> {
    for (const key of typeof keys === 'string' ? [keys] : keys) this.entries.delete(key);
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    // keys() skips expired entries, so the count is of live ones; collected first, as deleting mutates the list.
    const matching = [...this.entries.keys()].filter((key) => key.startsWith(prefix));
    for (const key of matching) this.entries.delete(key);
    return matching.length;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.entries.clear();
  }
}
