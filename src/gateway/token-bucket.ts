import { LRUCache } from 'lru-cache';

/**
 * A token bucket for WebSocket frames. @fastify/rate-limit only covers HTTP requests, and a
 * frame-level limit needs no more than these few lines.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst = perSecond,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token if there is one; otherwise says how long until there will be. */
  take(): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil(((1 - this.tokens) / this.perSecond) * 1000) };
  }
}

/**
 * One bucket per key (a player), shared by every connection of that key in this process. A bucket
 * left alone until it would be full again is forgotten: a new one is the same.
 */
export class TokenBuckets {
  private readonly buckets: LRUCache<string, TokenBucket>;

  constructor(
    private readonly perSecond: number,
    private readonly burst = perSecond,
    private readonly now: () => number = () => performance.now(),
    maxKeys = 100_000,
  ) {
    this.buckets = new LRUCache({
      max: maxKeys,
      ttl: Math.ceil((burst / perSecond) * 1000),
      updateAgeOnGet: true,
      perf: { now },
    });
  }

  take(key: string): ReturnType<TokenBucket['take']> {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.perSecond, this.burst, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }
}
