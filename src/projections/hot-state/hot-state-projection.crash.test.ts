import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASHES, CrashPlan } from '../../infrastructure/consumers/crash-testing.ts';
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

function playerEvents(n: number): NewEvent[] {
  const playerId = `p${n}`;
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
    make('PlayerMoved', { playerId, from: 'square', to: 'woods' }, 2),
    make('ActionRequested', { actionId: randomUUID(), action: { action_type: 'talk' } }, 3),
    make('PlayerMoved', { playerId, from: 'woods', to: n % 2 ? 'river' : 'hills' }, 4),
  ];
}

interface Subject {
  name: string;
  open(): Promise<HotState>;
  cleanUp?(): Promise<void>;
}

function crashSuite(subject: Subject): void {
  describe(`hot state killed and restarted: ${subject.name}`, () => {
    let store: SqlEventStore;
    const opened: HotState[] = [];
    beforeAll(async () => {
      store = await openInMemoryEventStore();
    });
    afterAll(async () => {
      for (const hot of opened) {
        for (const generation of [0, 1]) await hot.dropGeneration(generation);
        await hot.close();
      }
      await subject.cleanUp?.();
      await store?.close();
    });
    const open = async () => {
      const hot = await subject.open();
      opened.push(hot);
      return hot;
    };

    it('loses nothing: the hot state equals one rebuilt from zero', async () => {
      const appendPlayer = (n: number) =>
        store.appendToStream(`player-p${n}`, playerEvents(n), { expectedRevision: 'any' }).then(() => {});
      for (let n = 0; n < 3; n++) await appendPlayer(n);
      const hotState = await open();
      const plan = new CrashPlan();
      let normalBatches = 0;
      let runner!: HotStateRunner;
      const crashing: HotState = Object.create(hotState, {
        applyBatch: {
          value: async (generation: number, batch: Parameters<HotState['applyBatch']>[1]) => {
            await plan.batch(
              {
                all: async () => {
                  await hotState.applyBatch(generation, batch);
                  normalBatches++;
                },
                // Part of the writes land, the checkpoint does not move (as when the script stops at an error).
                firstPart: async () => {
                  const unchanged = (await hotState.checkpoint(generation)) ?? -1n;
                  await hotState.applyBatch(generation, {
                    positions: batch.positions.slice(0, Math.floor(batch.positions.length / 2)),
                    actions: batch.actions.slice(0, Math.floor(batch.actions.length / 2)),
                    checkpoint: unchanged,
                  });
                },
                rest: () => hotState.applyBatch(generation, batch),
              },
              () => runner.stop(),
            );
          },
        },
      });
      const start = async () => {
        runner = new HotStateRunner(crashing, store, logger, { batchSize: 4, retryDelayMs: 5 });
        await runner.start();
      };

      const written = await plan.runWhileWriting({
        start,
        running: () => runner,
        write: (n) => appendPlayer(n + 3),
        progress: () => normalBatches,
        progressName: 'batches after the crash',
      });
      const players = 3 + written;
      expect(plan.fired).toEqual([...CRASHES]);

      const fresh = await open();
      const freshRunner = new HotStateRunner(fresh, store, logger);
      await freshRunner.start();
      await freshRunner.caughtUp();
      await freshRunner.stop();
      const snapshot = async (hot: HotState) => {
        const reader = hotStateReader(hot);
        const state: Record<string, unknown> = {};
        for (let n = 0; n < players; n++) {
          const actions = await reader.recentActions(`p${n}`);
          state[`p${n}`] = { at: await reader.position(`p${n}`), did: actions.map((a) => a.actionType) };
        }
        return state;
      };
      const live = await snapshot(hotState);
      expect(live.p0).toEqual({ at: 'hills', did: ['look', 'talk'] });
      expect(live).toEqual(await snapshot(fresh));
      expect(await hotState.checkpoint(0)).toBe(await fresh.checkpoint(0));
    });
  });
}

crashSuite({ name: 'in memory', open: async () => new MemoryHotState(ttls) });

const url = testServices.redis.url;
if (url) {
  const runPrefix = `test:hot-crash:${Date.now().toString(36)}_${randomBytes(3).toString('hex')}:`;
  let count = 0;
  crashSuite({
    name: 'Redis',
    open: () => RedisHotState.open({ url, prefix: `${runPrefix}${count++}:`, ...ttls }),
    cleanUp: async () => {
      const raw = new Redis(url);
      for await (const keys of raw.scanStream({ match: `${runPrefix}*`, count: 1_000 }))
        if ((keys as string[]).length > 0) await raw.unlink(...(keys as string[]));
      await raw.quit();
    },
  });
} else {
  describe('hot state killed and restarted: Redis', () => {
    it.skip(`skipped: no Redis (set ${testServices.redis.variable})`, () => {});
  });
  reportSkipped('Redis', testServices.redis.variable);
}
