import type { Redis } from 'ioredis';
import type { ActionThrottle, ThrottleVerdict } from './action-throttle.ts';
import { TokenBuckets } from './token-bucket.ts';

/*
 * The token bucket as GCRA, in one script: one round trip (EVALSHA, pipelined with whatever else the
 * client sends in the same turn), read and write atomic across processes. rate-limiter-flexible was
 * considered: its Redis limiter counts fixed windows (up to twice the limit across a window's edge, and
 * a retry of up to a whole window), not the seed's bucket that the in-process throttle keeps.
 *
 * The stored value is the bucket's "theoretical arrival time" (TAT): when it would be full again. It
 * expires then, so a missing key is a full bucket and no key outlives its use. The clock is Redis's own
 * TIME, not the caller's: every process judges one bucket by one clock, so skew between the game
 * processes (or one whose clock steps) neither adds tokens nor takes them away. (Redis ≥ 5 replicates
 * a script's effects, so a non-deterministic TIME before a write is allowed.)
 * KEYS[1]: the player's key. ARGV: ms per token, burst. Returns 0 (taken) or the ms until a token.
 */
const TAKE = `
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local stored = redis.call('GET', KEYS[1])
local tat = stored and tonumber(stored) or now
if tat < now then tat = now end
local after = tat + interval - now
if after > burst * interval then
  return math.ceil(after - burst * interval)
end
redis.call('SET', KEYS[1], string.format('%.17g', now + after), 'PX', math.ceil(after))
return 0`;

interface Scripts {
  takeActionToken(key: string, intervalMs: string, burst: string): Promise<number>;
}

const OK: ThrottleVerdict = { ok: true };
const WARN_EVERY_MS = 10_000;

export interface RedisActionThrottleOptions {
  /** A connected client; the script is defined on it. */
  redis: Redis;
  /** Keys are `<prefix><player id>`. */
  prefix: string;
  perSecond: number;
  burst?: number;
  /** How long a verdict waits for Redis before this process's bucket gives it; default 200 ms. */
  timeoutMs?: number;
  log: { warn(details: object, message: string): void };
  /** Only paces the warnings. */
  now?: () => number;
}

/**
 * The per-player limit shared by every process on one Redis. When Redis fails (down, or slower than
 * `timeoutMs`) the player is not held up: this process's own bucket gives the verdict, as before
 * Redis was shared, and a warning says so at most every 10 s. The throttle protects the server; no
 * game rule depends on it being exact.
 */
export class RedisActionThrottle implements ActionThrottle {
  private readonly client: Redis & Scripts;
  private readonly fallback: TokenBuckets;
  private readonly intervalMs: string;
  private readonly burst: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  /** The last verdict handed out: each waits for the one before (see ActionThrottle). */
  private tail: Promise<unknown> = Promise.resolve();
  private fallbacksUnreported = 0;
  private quietUntil = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RedisActionThrottleOptions) {
    this.burst = options.burst ?? options.perSecond;
    this.intervalMs = String(1000 / options.perSecond);
    this.timeoutMs = options.timeoutMs ?? 200;
    this.now = options.now ?? (() => performance.now());
    this.fallback = new TokenBuckets(options.perSecond, this.burst);
    options.redis.defineCommand('takeActionToken', { numberOfKeys: 1, lua: TAKE });
    this.client = options.redis as Redis & Scripts;
  }

  take(playerId: string): Promise<ThrottleVerdict> {
    // Asked at once (so frames pipeline), answered in order: a verdict from the fallback must not
    // overtake one still on its way from Redis.
    const verdict = this.ask(playerId);
    const inOrder = this.tail.then(() => verdict);
    this.tail = inOrder;
    return inOrder;
  }

  private async ask(playerId: string): Promise<ThrottleVerdict> {
    // Not connected: ioredis would queue the command until it reconnects; the player does not wait for that.
    if (this.client.status !== 'ready')
      return this.fellBack(playerId, new Error(`Redis connection is ${this.client.status}`));
    try {
      const retryAfterMs = await this.inTime(
        this.client.takeActionToken(`${this.options.prefix}${playerId}`, this.intervalMs, String(this.burst)),
      );
      return retryAfterMs === 0 ? OK : { ok: false, retryAfterMs };
    } catch (error) {
      return this.fellBack(playerId, error);
    }
  }

  /**
   * The reply, or an error after `timeoutMs`. After a stall of the event loop its timers run before
   * its sockets are read, so an expired timer waits one turn more (setImmediate, after the read): a
   * reply that came in time during the stall still counts.
   */
  private inTime(reply: Promise<number>): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => setImmediate(() => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`))),
        this.timeoutMs,
      );
      reply.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private fellBack(playerId: string, error: unknown): ThrottleVerdict {
    this.fallbacksUnreported++;
    const now = this.now();
    if (now >= this.quietUntil) {
      this.quietUntil = now + WARN_EVERY_MS;
      this.options.log.warn(
        { err: error, fallbacksSinceLastWarning: this.fallbacksUnreported },
        'action throttle: Redis failed, so this process counts actions on its own meanwhile (each process then allows the full per-player rate); warned at most every 10 s',
      );
      this.fallbacksUnreported = 0;
    }
    return this.fallback.take(playerId);
  }
}
