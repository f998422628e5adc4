import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSkipped, testServices } from '../infrastructure/testing/services.ts';
import { actionThrottleContract } from './action-throttle.contract.ts';
import { actionThrottle, type ThrottleVerdict } from './action-throttle.ts';
import { RedisActionThrottle } from './redis-action-throttle.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const okCount = (verdicts: ThrottleVerdict[]) => verdicts.filter((verdict) => verdict.ok).length;

function recordingLog() {
  const warnings: { details: object; message: string }[] = [];
  return { warnings, warn: (details: object, message: string) => warnings.push({ details, message }) };
}

describe('RedisActionThrottle when Redis fails', () => {
  it('does not hold the player up when Redis is not connected: this process counts, and warns once', async () => {
    const redis = new Redis('redis://127.0.0.1:1/0', { lazyConnect: true });
    const log = recordingLog();
    const throttle = new RedisActionThrottle({ redis, prefix: 'unused:', perSecond: 4, log });
    const verdicts = await Promise.all(Array.from({ length: 6 }, () => throttle.take('ayla')));
    expect(verdicts.map((verdict) => verdict.ok)).toEqual([true, true, true, true, false, false]);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]!.message).toMatch(/Redis failed/);
    redis.disconnect();
  });

  describe('when Redis does not answer', () => {
    // Accepts connections and never replies: every command waits until the throttle stops waiting.
    let server: Server;
    const sockets = new Set<Socket>();
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      server?.close();
    });

    it('answers from this process after the timeout, in order, warning at most every 10 s', async () => {
      server = createServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as { port: number };
      // No handshake (HELLO, CLIENT SETINFO, INFO) to wait for: the client is ready once connected.
      const redis = new Redis({
        port,
        host: '127.0.0.1',
        lazyConnect: true,
        enableReadyCheck: false,
        protocol: 2,
        disableClientInfo: true,
      });
      await redis.connect();
      const log = recordingLog();
      let now = 0;
      const throttle = new RedisActionThrottle({
        redis,
        prefix: 'unused:',
        perSecond: 4,
        timeoutMs: 20,
        log,
        now: () => now,
      });
      const answered: number[] = [];
      const verdicts = await Promise.all(
        Array.from({ length: 6 }, (_, n) =>
          throttle.take('ayla').then((verdict) => {
            answered.push(n);
            return verdict;
          }),
        ),
      );
      expect(verdicts.map((verdict) => verdict.ok)).toEqual([true, true, true, true, false, false]);
      expect(answered).toEqual([0, 1, 2, 3, 4, 5]);
      expect(log.warnings).toHaveLength(1);
      expect(log.warnings[0]!.message).toMatch(/counts actions on its own/);
      now = 10_000;
      await throttle.take('brannoc');
      expect(log.warnings).toHaveLength(2);
      // The first warning's own fallback; then the five after it, kept quiet, and this one.
      expect(log.warnings[0]!.details).toMatchObject({ fallbacksSinceLastWarning: 1 });
      expect(log.warnings[1]!.details).toMatchObject({ fallbacksSinceLastWarning: 6 });
      redis.disconnect();
    });
  });
});

const url = testServices.redis.url;
if (url) {
  // A prefix of its own per run (and per throttle in it), so parallel runs on one server never collide.
  const runPrefix = `test:throttle:${Date.now().toString(36)}_${randomBytes(3).toString('hex')}:`;
  const clients: Redis[] = [];
  const connect = async () => {
    const client = new Redis(url, { lazyConnect: true, enableAutoPipelining: true });
    await client.connect();
    clients.push(client);
    return client;
  };
  const log = { warn: (details: object, message: string) => console.warn(message, details) };
  afterAll(async () => {
    const sweeper = clients[0] ?? (await connect());
    const keys = await sweeper.keys(`${runPrefix}*`);
    if (keys.length > 0) await sweeper.del(...keys);
    for (const client of clients) await client.quit();
  });

  let opened = 0;
  actionThrottleContract({
    name: 'Redis',
    open: async (perSecond, burst) =>
      new RedisActionThrottle({
        redis: await connect(),
        prefix: `${runPrefix}${opened++}:`,
        perSecond,
        burst,
        log,
      }),
    // Redis's clock, not ours, decides; a little more than asked covers the two clocks' rounding.
    pass: (ms) => sleep(ms + 20),
  });

  describe('RedisActionThrottle across processes', () => {
    it('holds one player to the burst in total across two processes; other players keep theirs', async () => {
      // Two game processes: each its own client and throttle, one Redis between them.
      const prefix = `${runPrefix}shared:`;
      const [first, second] = [await connect(), await connect()].map(
        (redis) => new RedisActionThrottle({ redis, prefix, perSecond: 4, log }),
      );
      const ayla = `ayla-${randomUUID()}`;
      const brannoc = `brannoc-${randomUUID()}`;
      const fromFirst: Promise<ThrottleVerdict>[] = [];
      const fromSecond: Promise<ThrottleVerdict>[] = [];
      for (let n = 0; n < 6; n++) {
        fromFirst.push(first!.take(ayla));
        fromSecond.push(second!.take(ayla));
      }
      const [a, b] = [await Promise.all(fromFirst), await Promise.all(fromSecond)];
      // Four in total, not four each (five only if a token was refilled meanwhile: 250 ms for 12 commands).
      expect(okCount([...a, ...b])).toBeGreaterThanOrEqual(4);
      expect(okCount([...a, ...b])).toBeLessThanOrEqual(5);
      expect(okCount(a)).toBeLessThan(6);
      expect(okCount(b)).toBeLessThan(6);

      const other = await Promise.all([
        first!.take(brannoc),
        second!.take(brannoc),
        first!.take(brannoc),
        second!.take(brannoc),
      ]);
      expect(okCount(other)).toBe(4);
    });

    it('keeps each player as one key under <prefix>actions:, expiring when the bucket is full again', async () => {
      const redis = await connect();
      const throttle = actionThrottle({ redis, redisPrefix: runPrefix, log });
      const ayla = `ayla-${randomUUID()}`;
      await Promise.all([throttle.take(ayla), throttle.take(ayla)]);
      const pttl = await redis.pttl(`${runPrefix}actions:${ayla}`);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(500);
      expect(await redis.keys(`${runPrefix}actions:*`)).toEqual([`${runPrefix}actions:${ayla}`]);
    });

    it('takes a reply that came in time while the event loop was stalled, without falling back', async () => {
      // Without autopipelining the command is written at once, before the stall.
      const redis = new Redis(url, { lazyConnect: true });
      await redis.connect();
      clients.push(redis);
      const warnings = recordingLog();
      const throttle = new RedisActionThrottle({
        redis,
        prefix: `${runPrefix}stall:`,
        perSecond: 4,
        timeoutMs: 20,
        log: warnings,
      });
      await throttle.take('warm-up'); // loads the script
      const verdict = throttle.take('ayla');
      const stallUntil = performance.now() + 300;
      while (performance.now() < stallUntil); // the reply arrives meanwhile; the timer expires too
      expect(await verdict).toEqual({ ok: true });
      expect(warnings.warnings).toEqual([]);
    });

    it('sends one command per take (after the script is loaded)', async () => {
      const redis = await connect();
      const prefix = `${runPrefix}round-trip:`;
      const throttle = new RedisActionThrottle({ redis, prefix, perSecond: 4, log });
      await throttle.take('warm-up'); // loads the script, so what follows is EVALSHA alone
      const monitor = await new Redis(url).monitor();
      const seen: string[] = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (!source.includes('lua') && args.some((arg) => arg.startsWith(prefix)))
          seen.push(args[0]!.toLowerCase());
      });
      await sleep(50);
      await Promise.all([throttle.take('ayla'), throttle.take('ayla'), throttle.take('brannoc')]);
      await sleep(100);
      monitor.disconnect();
      expect(seen).toEqual(['evalsha', 'evalsha', 'evalsha']);
    });
  });
} else {
  describe('ActionThrottle contract: Redis', () => {
    it.skip(`skipped: no Redis (set ${testServices.redis.variable})`, () => {});
  });
  reportSkipped('Redis', testServices.redis.variable);
}
