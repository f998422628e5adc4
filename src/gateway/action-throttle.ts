import type { Redis } from 'ioredis';
import { limits } from '../limits.ts';
import { RedisActionThrottle } from './redis-action-throttle.ts';
import { TokenBuckets } from './token-bucket.ts';

export type ThrottleVerdict = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * The per-player action limit: a token bucket of `burst` tokens refilled at `perSecond`. Verdicts
 * resolve in the order `take` was called (the caller hands actions on in that order), and `take`
 * never rejects.
 */
export interface ActionThrottle {
  take(playerId: string): Promise<ThrottleVerdict>;
}

/** One process's own buckets: each game process behind a load balancer would give a player the limit again. */
export class InProcessActionThrottle implements ActionThrottle {
  private readonly buckets: TokenBuckets;

  constructor(perSecond: number, burst = perSecond, now?: () => number) {
    this.buckets = new TokenBuckets(perSecond, burst, now);
  }

  take(playerId: string): Promise<ThrottleVerdict> {
    return Promise.resolve(this.buckets.take(playerId));
  }
}

export interface ActionThrottleOptions {
  /** Shared by every game process when set; the limit is then the player's across all of them. */
  redis?: Redis;
  redisPrefix?: string;
  log: { warn(details: object, message: string): void };
}

/** The seed's per-player limit: in Redis when there is one, in this process otherwise. */
export function actionThrottle(options: ActionThrottleOptions): ActionThrottle {
  const perSecond = limits.actionsPerSecondPerPlayer;
  if (!options.redis) return new InProcessActionThrottle(perSecond);
  return new RedisActionThrottle({
    redis: options.redis,
    prefix: `${options.redisPrefix ?? 'langomni:'}actions:`,
    perSecond,
    log: options.log,
  });
}
