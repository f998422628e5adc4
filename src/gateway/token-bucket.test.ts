import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-bucket.ts';

describe('TokenBuckets', () => {
  it('gives each key one bucket, whoever takes from it', () => {
    let now = 0;
    const buckets = new TokenBuckets(4, 4, () => now);
    const taken = Array.from({ length: 6 }, () => buckets.take('ayla').ok);
    expect(taken).toEqual([true, true, true, true, false, false]);
    expect(buckets.take('brannoc').ok).toBe(true);
    now = 250;
    expect(buckets.take('ayla')).toEqual({ ok: true });
    expect(buckets.take('ayla')).toEqual({ ok: false, retryAfterMs: 250 });
  });

  it('refills at the rate, never above the burst, also after the bucket was forgotten', () => {
    let now = 0;
    const buckets = new TokenBuckets(4, 4, () => now);
    for (let i = 0; i < 4; i++) buckets.take('ayla');
    now = 10_000;
    const taken = Array.from({ length: 5 }, () => buckets.take('ayla').ok);
    expect(taken).toEqual([true, true, true, true, false]);
  });
});
