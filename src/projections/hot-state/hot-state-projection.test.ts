import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent, StoredEvent } from '../../infrastructure/event-store/event-store.ts';
import type { SqlEventStore } from '../../infrastructure/event-store/sql-event-store.ts';
import type { HotState } from '../../infrastructure/hot-state/hot-state.ts';
import { MemoryHotState } from '../../infrastructure/hot-state/memory-hot-state.ts';
import { RedisHotState } from '../../infrastructure/hot-state/redis-hot-state.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import { openInMemoryEventStore } from '../../infrastructure/testing/embedded-store.ts';
import { reportSkipped, testServices } from '../../infrastructure/testing/services.ts';
import { HotStateRunner, toHotStateBatch } from './hot-state-projection.ts';
import { hotStateReader } from './hot-state-reader.ts';

const logger = createLogger('silent', false);
// Long enough that nothing expires while a slow machine runs the file.
const ttls = { positionTtlMs: 10 * 60_000, actionsWindowMs: 10 * 60_000 };

const waitUntil = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not met in time');
};

function event(
  type: string,
  data: Record<string, unknown>,
  playerId: string,
  timestamp = new Date(),
): NewEvent {
  return { id: randomUUID(), type, data, metadata: { timestamp: timestamp.toISOString(), playerId } };
}

/** Six events a millisecond apart, five of them the hot state's: spawn, look, move, talk, and a move or a look. */
function playerEvents(n: number): NewEvent[] {
  const playerId = `p${n}`;
  const action = (action_type: string) => ({ actionId: randomUUID(), action: { action_type } });
  const start = Date.now();
  const parts: [string, Record<string, unknown>][] = [
    ['PlayerRegistered', { playerId, username: `player${n}` }],
    ['PlayerSpawned', { playerId, locationId: 'square', hp: 20, maxHp: 20 }],
    ['ActionRequested', action('look')],
    ['PlayerMoved', { playerId, from: 'square', to: 'woods', direction: 'south' }],
    ['ActionRequested', action('talk')],
    n % 2 === 1
      ? ['PlayerMoved', { playerId, from: 'woods', to: 'river', direction: 'east' }]
      : ['ActionRequested', action('look')],
  ];
  return parts.map(([type, data], i) => event(type, data, playerId, new Date(start + i)));
}

describe('toHotStateBatch', () => {
  const stored = (e: NewEvent, position: bigint, streamId = 'player-p1'): StoredEvent => ({
    ...e,
    streamId,
    revision: position,
    position,
  });

  it("keeps each player's last position, every action, and the last event's position as checkpoint", () => {
    const at = new Date('2030-01-01T00:00:00.000Z');
    const withoutPlayer = event(
      'ActionRequested',
      { actionId: 'a', action: { action_type: 'say' } },
      'ignored',
      at,
    );
    delete withoutPlayer.metadata.playerId;
    const batch = toHotStateBatch([
      stored(event('PlayerSpawned', { playerId: 'p1', locationId: 'square' }, 'p1', at), 3n),
      stored(event('PlayerMoved', { playerId: 'p1', from: 'square', to: 'woods' }, 'p1', at), 5n),
      stored(event('PlayerRespawned', { playerId: 'p2', from: 'woods', locationId: 'temple' }, 'p2', at), 6n),
      stored(withoutPlayer, 8n, 'player-p3'),
      stored(
        { ...event('PlayerMoved', { playerId: 'p2', to: 'x' }, 'p2'), metadata: { timestamp: 'never' } },
        9n,
      ),
    ]);
    expect(batch).toEqual({
      positions: [
        { playerId: 'p1', locationId: 'woods', at: at.getTime() },
        { playerId: 'p2', locationId: 'temple', at: at.getTime() },
      ],
      actions: [{ playerId: 'p3', actionType: 'say', at: at.getTime(), id: withoutPlayer.id }],
      checkpoint: 9n,
    });
  });
});

interface Subject {
  name: string;
  /** A new, empty hot state. */
  open(): Promise<HotState>;
  cleanUp?(): Promise<void>;
}

function runnerSuite(subject: Subject): void {
  describe(`hot state runner: ${subject.name}`, () => {
    let store: SqlEventStore;
    let hotState: HotState;
    let runner: HotStateRunner;
    const players: string[] = [];
    const opened: HotState[] = [];
    const open = async () => {
      const hot = await subject.open();
      opened.push(hot);
      return hot;
    };

    beforeAll(async () => {
      store = await openInMemoryEventStore();
      hotState = await open();
      runner = new HotStateRunner(hotState, store, logger, { batchSize: 7, retryDelayMs: 10 });
      await runner.start();
    });
    afterAll(async () => {
      await runner?.stop();
      for (const hot of opened) {
        for (const generation of [0, 1, 2]) await hot.dropGeneration(generation);
        await hot.close();
      }
      await subject.cleanUp?.();
      await store?.close();
    });

    const appendPlayer = async (n: number) => {
      await store.appendToStream(`player-p${n}`, playerEvents(n), { expectedRevision: 'any' });
      players.push(`p${n}`);
    };
    const caughtUp = (r: HotStateRunner) => waitUntil(async () => (await r.describe()).lag_events === 0);
    const snapshot = async (hot: HotState) => {
      const reader = hotStateReader(hot);
      const state: Record<string, unknown> = {};
      for (const playerId of [...players].sort()) {
        const actions = await reader.recentActions(playerId);
        state[playerId] = { at: await reader.position(playerId), did: actions.map((a) => a.actionType) };
      }
      return state;
    };

    it('turns events into positions and recent actions, batch by batch', async () => {
      for (let n = 0; n < 4; n++) await appendPlayer(n);
      await caughtUp(runner);
      expect(await snapshot(hotState)).toEqual({
        p0: { at: 'woods', did: ['look', 'talk', 'look'] },
        p1: { at: 'river', did: ['look', 'talk'] },
        p2: { at: 'woods', did: ['look', 'talk', 'look'] },
        p3: { at: 'river', did: ['look', 'talk'] },
      });
      const status = await runner.describe();
      expect(status).toMatchObject({ name: 'hot-state', status: 'running', lag_events: 0, rebuild: null });
      expect(await hotState.checkpoint(0)).toBe(BigInt(status.position));
    });

    it('rebuilds into the next generation while events arrive, never empty, ending as a fresh build', async () => {
      const reader = hotStateReader(hotState);
      let reading = true;
      const misses: number[] = [];
      const watching = (async () => {
        for (let i = 0; reading; i++) {
          if ((await reader.position('p0')) !== 'woods') misses.push(i);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      const writing = (async () => {
        for (let n = 4; n < 24; n++) await appendPlayer(n);
      })();
      await Promise.all([writing, runner.rebuildInShadow()]);
      reading = false;
      await watching;
      await caughtUp(runner);
      expect(misses).toEqual([]);
      expect(await hotState.liveGeneration()).toBe(1);
      expect(await hotState.checkpoint(0)).toBeUndefined();
      expect(await hotState.position('p0', 0)).toBeUndefined();
      // Events appended after the switch-over are the live loop's.
      const progress = (await runner.describe()).rebuild!;
      expect(progress.phase).toBe('done');
      expect(progress.processed).toBeGreaterThanOrEqual(4 * 5);

      const fresh = await open();
      const freshRunner = new HotStateRunner(fresh, store, logger);
      await freshRunner.start();
      await caughtUp(freshRunner);
      await freshRunner.stop();
      const rebuilt = await snapshot(hotState);
      expect(Object.keys(rebuilt)).toHaveLength(24);
      expect(rebuilt).toEqual(await snapshot(fresh));
      expect(await hotState.checkpoint(1)).toBe(await fresh.checkpoint(0));
    });

    it('pauses and resumes', async () => {
      runner.pause();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await appendPlayer(99);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await runner.describe()).toMatchObject({ status: 'paused', lag_events: 5 });
      expect(await hotState.position('p99')).toBeUndefined();
      runner.resume();
      await caughtUp(runner);
      expect(await hotState.position('p99')).toBe('river');
      expect((await runner.describe()).status).toBe('running');
    });

    it('continues from its checkpoint after a restart', async () => {
      const before = await runner.describe();
      await runner.stop();
      runner = new HotStateRunner(hotState, store, logger, { batchSize: 7, retryDelayMs: 10 });
      runner.pause();
      await runner.start();
      expect(await runner.describe()).toMatchObject({
        position: before.position,
        lag_events: 0,
        status: 'paused',
      });
      runner.resume();
    });
  });
}

runnerSuite({ name: 'in memory', open: async () => new MemoryHotState(ttls) });

const url = testServices.redis.url;
if (url) {
  const runPrefix = `test:hot-runner:${Date.now().toString(36)}_${randomBytes(3).toString('hex')}:`;
  let opened = 0;
  runnerSuite({
    name: 'Redis',
    open: () => RedisHotState.open({ url, prefix: `${runPrefix}${opened++}:`, ...ttls }),
    // The suite drops the generations; this takes the live pointers and whatever a failed test left.
    cleanUp: async () => {
      const raw = new Redis(url);
      for await (const keys of raw.scanStream({ match: `${runPrefix}*`, count: 1_000 }))
        if ((keys as string[]).length > 0) await raw.unlink(...(keys as string[]));
      await raw.quit();
    },
  });
} else {
  describe('hot state runner: Redis', () => {
    it.skip(`skipped: no Redis (set ${testServices.redis.variable})`, () => {});
  });
  reportSkipped('Redis', testServices.redis.variable);
}
