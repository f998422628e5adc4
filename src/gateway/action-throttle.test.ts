import { describe, expect, it } from 'vitest';
import { actionThrottleContract } from './action-throttle.contract.ts';
import { actionThrottle, InProcessActionThrottle } from './action-throttle.ts';
import { RedisActionThrottle } from './redis-action-throttle.ts';

let now = 0;
actionThrottleContract({
  name: 'in-process',
  open: async (perSecond, burst) => new InProcessActionThrottle(perSecond, burst, () => now),
  pass: async (ms) => {
    now += ms;
  },
});

describe('InProcessActionThrottle', () => {
  it('refills at the rate, never above the burst', async () => {
    let clock = 0;
    const throttle = new InProcessActionThrottle(4, 4, () => clock);
    for (let i = 0; i < 4; i++) await throttle.take('ayla');
    clock = 250;
    expect(await throttle.take('ayla')).toEqual({ ok: true });
    expect(await throttle.take('ayla')).toEqual({ ok: false, retryAfterMs: 250 });
    clock = 10_000;
    const taken = await Promise.all(Array.from({ length: 5 }, () => throttle.take('ayla')));
    expect(taken.map((verdict) => verdict.ok)).toEqual([true, true, true, true, false]);
  });
});

describe('actionThrottle', () => {
  const log = { warn: () => {} };

  it('counts in this process without Redis', () => {
    expect(actionThrottle({ log })).toBeInstanceOf(InProcessActionThrottle);
  });

  it('counts in Redis when there is one', () => {
    const defined: string[] = [];
    const redis = { defineCommand: (name: string) => defined.push(name) };
    const throttle = actionThrottle({ redis: redis as never, redisPrefix: 'game:', log });
    expect(throttle).toBeInstanceOf(RedisActionThrottle);
    expect(defined).toEqual(['takeActionToken']);
  });
});
