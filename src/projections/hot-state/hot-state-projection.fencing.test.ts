import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointMovedError } from '../../infrastructure/consumers/checkpoint-moved.ts';
import { waitUntil } from '../../infrastructure/consumers/crash-testing.ts';
import type { NewEvent } from '../../infrastructure/event-store/event-store.ts';
import type { SqlEventStore } from '../../infrastructure/event-store/sql-event-store.ts';
import type { HotState } from '../../infrastructure/hot-state/hot-state.ts';
import { MemoryHotState } from '../../infrastructure/hot-state/memory-hot-state.ts';
import { RedisHotState } from '../../infrastructure/hot-state/redis-hot-state.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import { openInMemoryEventStore } from '../../infrastructure/testing/embedded-store.ts';
import { reportSkipped, testServices } from '../../infrastructure/testing/services.ts';
import { HotStateRunner } from './hot-state-projection.ts';
import { hotStateReader } from './hot-state-reader.ts';

const logger = createLogger('silent', false);
const ttls = { positionTtlMs: 10 * 60_000, actionsWindowMs: 10 * 60_000 };

/** A spawn, a look and a move to `to`, a millisecond apart. */
function playerEvents(playerId: string, to: string): NewEvent[] {
  const at = Date.now();
  const make = (type: string, data: Record<string, unknown>, i: number): NewEvent => ({
    id: randomUUID(),
    type,
    data,
    metadata: { timestamp: new Date(at + i).toISOString(), playerId },
  });
  return [
    make('PlayerSpawned', { playerId, locationId: 'square' }, 0),
    make('ActionRequested', { actionId: randomUUID(), action: { action_type: 'look' } }, 1),
    make('PlayerMoved', { playerId, from: 'square', to }, 2),
  ];
}

interface Subject {
  name: string;
  /** Two handles on one hot state, as two processes have. */
  openPair(): Promise<[HotState, HotState]>;
  openFresh(): Promise<HotState>;
  cleanUp?(): Promise<void>;
}

/** Counts the batches a hot state took and those it refused as written by another process. */
function counting(hot: HotState) {
  const counts = { applied: 0, refused: 0 };
  const wrapped: HotState = Object.create(hot, {
    applyBatch: {
      value: async (generation: number, batch: Parameters<HotState['applyBatch']>[1]) => {
        try {
          await hot.applyBatch(generation, batch);
          counts.applied++;
        } catch (error) {
          if (error instanceof CheckpointMovedError) counts.refused++;
          throw error;
        }
      },
    },
  });
  return { hot: wrapped, counts };
}

function fencingSuite(subject: Subject): void {
  describe(`two hot state runners on one hot state: ${subject.name}`, () => {
    let store: SqlEventStore;
    const opened: HotState[] = [];
    beforeAll(async () => {
      store = await openInMemoryEventStore();
    });
    afterAll(async () => {
      for (const hot of opened) {
        await hot.dropGeneration(0);
        await hot.close();
      }
      await subject.cleanUp?.();
      await store?.close();
    });

    it('a runner that comes back after another moved the checkpoint is refused, writes nothing and stops', async () => {
      const append = (playerId: string, to: string) =>
        store.appendToStream(`player-${playerId}`, playerEvents(playerId, to), { expectedRevision: 'any' });
      for (const playerId of ['ayla', 'bran']) await append(playerId, 'woods');
      const [mine, theirs] = await subject.openPair();
      opened.push(mine, theirs);

      // The deposed leader: it has read its checkpoint and holds events, but has not applied them yet.
      const late = counting(mine);
      const lateRunner = new HotStateRunner(late.hot, store, logger, { batchSize: 2, retryDelayMs: 5 });
      lateRunner.pause();
      await lateRunner.start();
      const successor = new HotStateRunner(theirs, store, logger, { batchSize: 2, retryDelayMs: 5 });
      await successor.start();
      await successor.caughtUp();
      await append('ayla', 'river');

      lateRunner.resume();
      await waitUntil(
        async () => (await lateRunner.describe()).status === 'stopped',
        'the late runner stops',
      );
      await successor.caughtUp();
      await successor.stop();
      await lateRunner.stop();
      expect(late.counts).toEqual({ applied: 0, refused: 1 });

      const fresh = await subject.openFresh();
      opened.push(fresh);
      const freshRunner = new HotStateRunner(fresh, store, logger);
      await freshRunner.start();
      await freshRunner.caughtUp();
      await freshRunner.stop();
      const snapshot = async (hot: HotState) => {
        const reader = hotStateReader(hot);
        const state: Record<string, unknown> = {};
        for (const playerId of ['ayla', 'bran']) {
          const actions = await reader.recentActions(playerId);
          state[playerId] = { at: await reader.position(playerId), did: actions.map((a) => a.actionType) };
        }
        return state;
      };
      const live = await snapshot(theirs);
      expect(live).toEqual({
        ayla: { at: 'river', did: ['look', 'look'] },
        bran: { at: 'woods', did: ['look'] },
      });
      expect(live).toEqual(await snapshot(fresh));
      expect(await theirs.checkpoint(0)).toBe(await fresh.checkpoint(0));
    });
  });
}

fencingSuite({
  name: 'in memory',
  openPair: async () => {
    const shared = new MemoryHotState(ttls);
    return [shared, shared];
  },
  openFresh: async () => new MemoryHotState(ttls),
});

const url = testServices.redis.url;
if (url) {
  const runPrefix = `test:hot-fencing:${Date.now().toString(36)}_${randomBytes(3).toString('hex')}:`;
  const open = (name: string) => RedisHotState.open({ url, prefix: `${runPrefix}${name}:`, ...ttls });
  fencingSuite({
    name: 'Redis',
    openPair: async () => [await open('shared'), await open('shared')],
    openFresh: () => open('fresh'),
    cleanUp: async () => {
      const raw = new Redis(url);
      for await (const keys of raw.scanStream({ match: `${runPrefix}*`, count: 1_000 }))
        if ((keys as string[]).length > 0) await raw.unlink(...(keys as string[]));
      await raw.quit();
    },
  });
} else {
  describe('two hot state runners on one hot state: Redis', () => {
    it.skip(`skipped: no Redis (set ${testServices.redis.variable})`, () => {});
  });
  reportSkipped('Redis', testServices.redis.variable);
}
