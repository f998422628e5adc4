/**
 * The cache port: short-lived, rebuildable values (LLM responses, later hot read-model state).
 *
 * Conventions every adapter maps to:
 * - Values are JSON-serialisable; `get` returns a copy, so mutating it never changes the cache.
 * - Every entry has a TTL in milliseconds (a positive number); an expired entry reads as missing.
 * - Keys are the caller's; an adapter may namespace them (a Redis key prefix) but never exposes that.
 * - A failing backend throws; the caller decides whether to degrade to a miss.
 */
export interface Cache {
  readonly name: string;
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  delete(keys: string | string[]): Promise<void>;
  /** Removes every key that starts with `prefix` (e.g. every cached description of a location); returns how many. */
  deleteByPrefix(prefix: string): Promise<number>;
  /** Resolves when the cache answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0)
    throw new RangeError(`cache TTL must be a positive number of ms, got ${ttlMs}`);
}
