import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSkipped, testServices } from '../testing/services.ts';
import { hotStateContract } from './hot-state.contract.ts';
import { RedisHotState } from './redis-hot-state.ts';

describe('RedisHotState.open', () => {
  it('fails clearly when Redis does not answer', async () => {
    await expect(RedisHotState.open({ url: 'redis://127.0.0.1:1/0', connectTimeoutMs: 500 })).rejects.toThrow(
      /^Redis at redis:\/\/127\.0\.0\.1:1\/0 did not answer: /,
    );
  });
});

const url = testServices.redis.url;
if (url) {
  // A prefix of its own per run (and per hot state in it), so parallel runs on one server never collide.
  const runPrefix = `test:hot:${Date.now().toString(36)}_${randomBytes(3).toString('hex')}:`;
  let opened = 0;
  hotStateContract({
    name: 'Redis',
    open: (ttls) => RedisHotState.open({ url, prefix: `${runPrefix}${opened++}:`, ...ttls }),
  });

  describe('RedisHotState', () => {
    const raw = new Redis(url);
    afterAll(async () => {
      // Catches what a failed test may have left; the run leaves no keys behind.
      for await (const keys of raw.scanStream({ match: `${runPrefix}*`, count: 1_000 }))
        if ((keys as string[]).length > 0) await raw.unlink(...(keys as string[]));
      await raw.quit();
    });

    const open = (name: string) =>
      RedisHotState.open({
        url,
        prefix: `${runPrefix}${name}:`,
        positionTtlMs: 30_000,
        actionsWindowMs: 60_000,
      });

    it('stores positions with a PX expiry and actions in a sorted set trimmed to the window', async () => {
      const hot = await open('layout');
      const now = Date.now();
      await raw.zadd(`${runPrefix}layout:g0:act:ayla`, String(now - 90_000), '["old","look"]');
      await hot.applyBatch(0, {
        positions: [{ playerId: 'ayla', locationId: 'square', at: now }],
        actions: [{ playerId: 'ayla', actionType: 'move', at: now, id: 'e1' }],
        checkpoint: 12n,
      });
      expect(await raw.get(`${runPrefix}layout:g0:pos:ayla`)).toBe('square');
      const pttl = await raw.pttl(`${runPrefix}layout:g0:pos:ayla`);
      expect(pttl).toBeGreaterThan(25_000);
      expect(pttl).toBeLessThanOrEqual(30_000);
      expect(await raw.zrange(`${runPrefix}layout:g0:act:ayla`, '0', '-1')).toEqual(['["e1","move"]']);
      expect(await raw.pttl(`${runPrefix}layout:g0:act:ayla`)).toBeGreaterThan(55_000);
      expect(await raw.get(`${runPrefix}layout:g0:checkpoint`)).toBe('12');
      await hot.dropGeneration(0);
      await hot.close();
    });

    it('sends a batch of 5,000 events as one command, and writes it with its checkpoint', async () => {
      const hot = await open('round-trip');
      const now = Date.now();
      const warmUp = { positions: [], actions: [], checkpoint: 0n };
      await hot.applyBatch(0, warmUp); // loads the script, so what follows is one EVALSHA
      const players = Array.from({ length: 1_000 }, (_, n) => `p${n}`);
      const batch = {
        positions: players.map((playerId) => ({ playerId, locationId: 'square', at: now })),
        actions: players.flatMap((playerId) =>
          [0, 1, 2, 3].map((k) => ({ playerId, actionType: 'look', at: now - k, id: randomUUID() })),
        ),
        checkpoint: 5_000n,
      };
      const monitor = await new Redis(url).monitor();
      const seen: string[][] = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (!source.includes('lua') && args.some((arg) => arg.startsWith(`${runPrefix}round-trip:`)))
          seen.push(args);
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      await hot.applyBatch(0, batch);
      await new Promise((resolve) => setTimeout(resolve, 100));
      monitor.disconnect();
      expect(seen.map((args) => args[0]!.toLowerCase())).toEqual(['evalsha']);
      expect(await hot.checkpoint(0)).toBe(5_000n);
      expect(await hot.position('p999')).toBe('square');
      expect(await hot.recentActions('p999', now)).toHaveLength(4);
      await hot.dropGeneration(0);
      await hot.close();
    });

    it('leaves the checkpoint where it was when a write of the batch fails', async () => {
      const hot = await open('failing');
      const now = Date.now();
      await hot.applyBatch(0, { positions: [], actions: [], checkpoint: 3n });
      await raw.set(`${runPrefix}failing:g0:act:ayla`, 'not a sorted set');
      await expect(
        hot.applyBatch(0, {
          positions: [{ playerId: 'ayla', locationId: 'square', at: now }],
          actions: [{ playerId: 'ayla', actionType: 'look', at: now, id: 'e1' }],
          checkpoint: 4n,
        }),
      ).rejects.toThrow(/WRONGTYPE/);
      expect(await hot.checkpoint(0)).toBe(3n);
      await hot.dropGeneration(0);
      await hot.close();
    });

    it('drops one generation only, even with more players than one SCAN page', async () => {
      const hot = await open('drop');
      const now = Date.now();
      const positions = Array.from({ length: 2_500 }, (_, n) => ({
        playerId: `p${n}`,
        locationId: 'x',
        at: now,
      }));
      for (const generation of [1, 10])
        await hot.applyBatch(generation, { positions, actions: [], checkpoint: 1n });
      await hot.dropGeneration(1);
      expect(await raw.keys(`${runPrefix}drop:g1:*`)).toEqual([]);
      expect(await hot.position('p2499', 10)).toBe('x');
      await hot.dropGeneration(10);
      expect(await raw.keys(`${runPrefix}drop:*`)).toEqual([]);
      await hot.close();
    });
  });
} else {
  describe('HotState contract: Redis', () => {
    it.skip(`skipped: no Redis (set ${testServices.redis.variable})`, () => {});
  });
  reportSkipped('Redis', testServices.redis.variable);
}
