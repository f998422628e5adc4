import type { Redis } from 'ioredis';
import { CheckpointMovedError } from '../consumers/checkpoint-moved.ts';
import { connectRedis, escapeGlob } from '../redis.ts';
import {
  checkBatch,
  checkGeneration,
  freshActionsByPlayer,
  type HotState,
  type HotStateBatch,
  type HotStateClock,
  type HotStateTtls,
  type RecentAction,
  resolveTtls,
} from './hot-state.ts';

export interface RedisHotStateOptions extends HotStateTtls, HotStateClock {
  url: string;
  /** Put before every key; default 'langomni:hot:'. */
  prefix?: string;
  /** How long to wait for the server at open; default 5 s. */
  connectTimeoutMs?: number;
  /** Per command; a batch of thousands of events is one command; default 5 s. */
  commandTimeoutMs?: number;
}

/*
 * One script call per batch: one round trip, run atomically, and, unlike MULTI/EXEC (which carries on
 * past a failing command), it stops at the first error, so the checkpoint, written last, only moves
 * when every write before it succeeded. Writes done before an error are idempotent and are redone
 * from the old checkpoint. With an expected checkpoint, the script first compares it with the stored
 * one (-1 when there is none) and writes nothing when they differ: another process wrote this generation.
 * ARGV: checkpoint key, checkpoint, cutoff, expected checkpoint ('' for none), then ops:
 * 'S' key value px | 'D' n key… | 'Z' key px n (score member)…
 */
const APPLY = `
local cutoff = ARGV[3]
if ARGV[4] ~= '' then
  local found = redis.call('GET', ARGV[1]) or '-1'
  if found ~= ARGV[4] then return redis.error_reply('CHECKPOINT_MOVED ' .. found) end
end
local i = 5
while i <= #ARGV do
  local op = ARGV[i]
  if op == 'S' then
    redis.call('SET', ARGV[i + 1], ARGV[i + 2], 'PX', ARGV[i + 3])
    i = i + 4
  elseif op == 'D' then
    local n = tonumber(ARGV[i + 1])
    redis.call('DEL', unpack(ARGV, i + 2, i + 1 + n))
    i = i + 2 + n
  elseif op == 'Z' then
    local key, n = ARGV[i + 1], tonumber(ARGV[i + 3])
    redis.call('ZADD', key, unpack(ARGV, i + 4, i + 3 + 2 * n))
    redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
    redis.call('PEXPIRE', key, ARGV[i + 2])
    i = i + 4 + 2 * n
  else
    return redis.error_reply('hot state: unknown op ' .. tostring(op))
  end
end
redis.call('SET', ARGV[1], ARGV[2])
return 1`;

// Reads resolve the live generation inside the script, so a switch and drop between two round trips cannot make them miss.
// ARGV: live key, generation key prefix, key suffix (, min score)
const READ_POSITION = `
local g = redis.call('GET', ARGV[1]) or '0'
return redis.call('GET', ARGV[2] .. g .. ARGV[3])`;
const READ_ACTIONS = `
local g = redis.call('GET', ARGV[1]) or '0'
return redis.call('ZRANGE', ARGV[2] .. g .. ARGV[3], ARGV[4], '+inf', 'BYSCORE', 'WITHSCORES')`;

interface Scripts {
  hotStateApply(...args: string[]): Promise<unknown>;
  hotStatePosition(...args: string[]): Promise<string | null>;
  hotStateActions(...args: string[]): Promise<string[]>;
}

/** Lua's unpack has a stack limit of a few thousand values, so long key and member lists are split. */
const CHUNK = 1_000;
const SCAN_BATCH = 1_000;

/**
 * Keys: `<prefix>live` (the live generation), and per generation `<prefix>g<n>:checkpoint`,
 * `<prefix>g<n>:pos:<player>` (a string with a PX expiry) and `<prefix>g<n>:act:<player>` (a sorted
 * set of JSON [event id, action type] scored by time, trimmed to the window on every write).
 */
export class RedisHotState implements HotState {
  readonly name = 'redis';
  private readonly ttls: Required<HotStateTtls>;
  private readonly now: () => number;

  private constructor(
    private readonly client: Redis & Scripts,
    readonly prefix: string,
    options: HotStateTtls & HotStateClock,
  ) {
    this.ttls = resolveTtls(options);
    this.now = options.now ?? Date.now;
  }

  /** Connects; rejects with the server's address and the cause when Redis does not answer. */
  static async open(options: RedisHotStateOptions): Promise<RedisHotState> {
    const client = await connectRedis({
      url: options.url,
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      commandTimeoutMs: options.commandTimeoutMs ?? 5_000,
    });
    client.defineCommand('hotStateApply', { numberOfKeys: 0, lua: APPLY });
    client.defineCommand('hotStatePosition', { numberOfKeys: 0, lua: READ_POSITION });
    client.defineCommand('hotStateActions', { numberOfKeys: 0, lua: READ_ACTIONS });
    return new RedisHotState(client as Redis & Scripts, options.prefix ?? 'langomni:hot:', options);
  }

  async applyBatch(generation: number, batch: HotStateBatch): Promise<void> {
    checkBatch(generation, batch);
    const now = this.now();
    const base = this.base(generation);
    const args = [
      `${base}checkpoint`,
      batch.checkpoint.toString(),
      String(now - this.ttls.actionsWindowMs),
      batch.expectedCheckpoint?.toString() ?? '',
    ];
    const stale: string[] = [];
    for (const { playerId, locationId, at } of batch.positions) {
      const ttl = Math.ceil(at + this.ttls.positionTtlMs - now);
      if (ttl > 0) args.push('S', `${base}pos:${playerId}`, locationId, String(ttl));
      else stale.push(`${base}pos:${playerId}`);
    }
    for (let i = 0; i < stale.length; i += CHUNK) {
      const keys = stale.slice(i, i + CHUNK);
      args.push('D', String(keys.length), ...keys);
    }
    for (const [playerId, fresh] of freshActionsByPlayer(batch.actions, now, this.ttls.actionsWindowMs)) {
      const key = `${base}act:${playerId}`;
      const ttl = String(Math.ceil(fresh.expiresAt - now));
      for (let i = 0; i < fresh.actions.length; i += CHUNK) {
        const chunk = fresh.actions.slice(i, i + CHUNK);
        args.push('Z', key, ttl, String(chunk.length));
        for (const { id, actionType, at } of chunk) args.push(String(at), JSON.stringify([id, actionType]));
      }
    }
    try {
      await this.client.hotStateApply(...args);
    } catch (error) {
      const moved = /CHECKPOINT_MOVED (-?\d+)/.exec((error as Error).message);
      if (!moved || batch.expectedCheckpoint === undefined) throw error;
      const found = BigInt(moved[1]!);
      throw new CheckpointMovedError(
        'hot-state',
        batch.expectedCheckpoint,
        found === -1n ? undefined : found,
      );
    }
  }

  async checkpoint(generation: number): Promise<bigint | undefined> {
    checkGeneration(generation);
    const value = await this.client.get(`${this.base(generation)}checkpoint`);
    return value === null ? undefined : BigInt(value);
  }

  async liveGeneration(): Promise<number> {
    const value = await this.client.get(`${this.prefix}live`);
    return value === null ? 0 : Number(value);
  }

  async switchGeneration(to: number): Promise<void> {
    checkGeneration(to);
    await this.client.set(`${this.prefix}live`, String(to));
  }

  /** SCAN (never KEYS, which blocks the server) and UNLINK each batch as it comes. */
  async dropGeneration(generation: number): Promise<void> {
    checkGeneration(generation);
    const match = `${escapeGlob(this.base(generation))}*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', match, 'COUNT', SCAN_BATCH);
      cursor = next;
      if (keys.length > 0) await this.client.unlink(keys);
    } while (cursor !== '0');
  }

  async position(playerId: string, generation?: number): Promise<string | undefined> {
    const value =
      generation === undefined
        ? await this.client.hotStatePosition(`${this.prefix}live`, `${this.prefix}g`, `:pos:${playerId}`)
        : await this.client.get(`${this.base(generation)}pos:${playerId}`);
    return value ?? undefined;
  }

  async recentActions(playerId: string, now: number, generation?: number): Promise<RecentAction[]> {
    const min = `(${now - this.ttls.actionsWindowMs}`;
    const flat =
      generation === undefined
        ? await this.client.hotStateActions(`${this.prefix}live`, `${this.prefix}g`, `:act:${playerId}`, min)
        : await this.client.zrange(
            `${this.base(generation)}act:${playerId}`,
            min,
            '+inf',
            'BYSCORE',
            'WITHSCORES',
          );
    const actions: RecentAction[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const [, actionType] = JSON.parse(flat[i]!) as [string, string];
      actions.push({ actionType, at: Number(flat[i + 1]) });
    }
    return actions;
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private base(generation: number): string {
    checkGeneration(generation);
    return `${this.prefix}g${generation}:`;
  }
}
