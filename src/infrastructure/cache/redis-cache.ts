import type { Redis } from 'ioredis';
import { connectRedis, escapeGlob } from '../redis.ts';
import { type Cache, checkTtl } from './cache.ts';

export interface RedisCacheOptions {
  url: string;
  /** Put before every key, so instances (and test runs) never see each other's keys; default 'langomni:cache:'. */
  prefix?: string;
  /** How long to wait for the server at open; default 5 s. */
  connectTimeoutMs?: number;
  /** Per command, so a stalled server slows a lane by at most this much; default 2 s. */
  commandTimeoutMs?: number;
}

const SCAN_BATCH = 500;

/** Values as JSON strings under `prefix + key`, each with a PX expiry. */
export class RedisCache implements Cache {
  readonly name = 'redis';

  private constructor(
    private readonly client: Redis,
    readonly prefix: string,
  ) {}

  /** Connects; rejects with the server's address and the cause when Redis does not answer. */
  static async open(options: RedisCacheOptions): Promise<RedisCache> {
    const client = await connectRedis({
      url: options.url,
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      commandTimeoutMs: options.commandTimeoutMs ?? 2_000,
    });
    return new RedisCache(client, options.prefix ?? 'langomni:cache:');
  }

  async get<T>(key: string): Promise<T | undefined> {
    const json = await this.client.get(this.prefix + key);
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    checkTtl(ttlMs);
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`cache value for ${key} is not JSON-serialisable`);
    await this.client.set(this.prefix + key, json, 'PX', Math.ceil(ttlMs));
  }

  async delete(keys: string | string[]): Promise<void> {
    const list = typeof keys === 'string' ? [keys] : keys;
    if (list.length > 0) await this.client.unlink(list.map((key) => this.prefix + key));
  }

  /** SCAN (never KEYS, which blocks the server) and UNLINK each batch as it comes. */
  async deleteByPrefix(prefix: string): Promise<number> {
    const match = `${escapeGlob(this.prefix + prefix)}*`;
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH);
      cursor = next;
      // SCAN may return a key twice; UNLINK counts only what it removed.
      if (keys.length > 0) deleted += await this.client.unlink(keys);
    } while (cursor !== '0');
    return deleted;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
