import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSkipped, testServices } from '../testing/services.ts';
import { cacheContract } from './cache.contract.ts';
import { RedisCache } from './redis-cache.ts';

describe('RedisCache.open', () => {
  it('fails clearly when Redis does not answer', async () => {
    await expect(RedisCache.open({ url: 'redis://127.0.0.1:1/0', connectTimeoutMs: 500 })).rejects.toThrow(
      /^Redis at redis:\/\/127\.0\.0\.1:1\/0 did not answer: /,
    );
  });
});

const url = testServices.redis.url;
if (url) {
  // A prefix of its own per run (and per cache in it), so parallel runs on one server never collide.
  const runPrefix = `test:cache:${Date.now().toString(36)}_${randomBytes(3).toString('hex')}:`;
  let opened = 0;
  cacheContract({ name: 'Redis', open: () => RedisCache.open({ url, prefix: `${runPrefix}${opened++}:` }) });

  describe('RedisCache', () => {
    const raw = new Redis(url, { lazyConnect: true });
    afterAll(async () => {
      // The contract empties its caches; this catches what a failed test may have left.
      const sweeper = await RedisCache.open({ url, prefix: runPrefix });
      await sweeper.deleteByPrefix('');
      await sweeper.close();
      await raw.quit();
    });

    it('stores JSON under its prefix with a PX expiry', async () => {
      const cache = await RedisCache.open({ url, prefix: `${runPrefix}raw:` });
      try {
        await cache.set('greeting', { text: 'hail' }, 5_000);
        expect(await raw.get(`${runPrefix}raw:greeting`)).toBe('{"text":"hail"}');
        const pttl = await raw.pttl(`${runPrefix}raw:greeting`);
        expect(pttl).toBeGreaterThan(0);
        expect(pttl).toBeLessThanOrEqual(5_000);
      } finally {
        await cache.deleteByPrefix('');
        await cache.close();
      }
    });

    it('reports failures of get as thrown errors', async () => {
      const cache = await RedisCache.open({ url, prefix: `${runPrefix}errors:` });
      await raw.set(`${runPrefix}errors:garbled`, 'not json', 'PX', 5_000);
      await expect(cache.get('garbled')).rejects.toThrow(SyntaxError);
      await cache.close();
      await expect(cache.get('anything')).rejects.toThrow();
    });
  });
} else {
  describe('Cache contract: Redis', () => {
    it.skip(`skipped: no Redis (set ${testServices.redis.variable})`, () => {});
  });
  reportSkipped('Redis', testServices.redis.variable);
}
