import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandHandler } from '../commands/command-handler.ts';
import { SceneReader } from '../commands/scene-reader.ts';
import { WorldRuntime } from '../commands/world-runtime.ts';
import type { Action } from '../domain/actions.ts';
import { DomainError } from '../domain/decider.ts';
import { playerStream } from '../domain/player/player.ts';
import { fixtureWorld } from '../domain/testing/fixture-world.ts';
import { actionsCheckpointOf, SqlActionPartitions } from '../infrastructure/action-partitions.ts';
import { SqlCheckpointStore } from '../infrastructure/checkpoint-store.ts';
import {
  keepWriting,
  mortalProcess,
  sqlBackends,
  waitUntil,
} from '../infrastructure/consumers/crash-testing.ts';
import { untyped } from '../infrastructure/database.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { PresenceProjection } from '../projections/presence.ts';
import { ActionProcessor } from './action-processor.ts';
import type { Lane } from './lane.ts';
import { RulesEngine } from './rules/rules-engine.ts';

/**
 * Three game processes on one store, each resolving only what its own players request; one is killed
 * with actions in flight and its players move to another. Every action is resolved exactly once, the
 * lanes of a live process never see another live process's actions (no work done twice), and the
 * dead process's actions are adopted by exactly one survivor.
 */

const logger = createLogger('silent', false);
const PROCESSES = ['game-a', 'game-b', 'game-c'] as const;
/** Two players per process at first. */
const PLAYERS = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
const ACTIONS: Action[] = [
  { action_type: 'look' },
  { action_type: 'move', direction: 'south' },
  { action_type: 'move', direction: 'north' },
];

/**
 * The rule engine, a little slow; it notes who asked. While `stalled` holds, its answers wait (a
 * model that takes its time) until `release()`: the process dies with those actions in its lane.
 */
function countingLane(processId: string, calls: { processId: string; actionId: string }[]) {
  const rules = new RulesEngine();
  const waiting: (() => void)[] = [];
  const lane: Lane & { stalled: boolean; waiting: number; release(): void } = {
    name: 'counting-rules',
    stalled: false,
    get waiting() {
      return waiting.length;
    },
    release: () => {
      lane.stalled = false;
      for (const resume of waiting.splice(0)) resume();
    },
    resolve: async (context) => {
      calls.push({ processId, actionId: context.actionId });
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
      if (lane.stalled) await new Promise<void>((resume) => waiting.push(resume));
      return rules.resolve(context);
    },
  };
  return lane;
}

for (const backend of sqlBackends()) {
  describe(`the action processors of several processes (${backend.name})`, () => {
    let opened: Awaited<ReturnType<typeof backend.open>>;
    beforeAll(async () => {
      opened = await backend.open();
    });
    afterAll(() => opened?.close());

    it('resolve each action once, where it was requested, and adopt a dead process’s actions', async () => {
      const { store, database } = opened;
      const db = untyped(database.db);
      const gateway = new CommandHandler(store);
      const runtime = await WorldRuntime.start(store, gateway, fixtureWorld(), 'fixture', logger);
      const players = runtime.deciders.player;
      for (const playerId of PLAYERS)
        await gateway.handle(
          playerStream(playerId),
          players,
          { type: 'RegisterPlayer', playerId, username: playerId },
          { commandId: `register-${playerId}` },
        );

      const live = new Set<string>(PROCESSES);
      const calls: { processId: string; actionId: string }[] = [];
      const partitions = new SqlActionPartitions(db);
      const adopted: { processId: string; count: number }[] = [];
      const start = async (processId: string) => {
        const process = mortalProcess(store, SqlCheckpointStore.on(db));
        const commands = new CommandHandler(process.store);
        await commands.start();
        const lane = countingLane(processId, calls);
        const processor = new ActionProcessor({
          store: process.store,
          commands,
          checkpoints: process.checkpoints,
          runtime,
          lane,
          rules: new RulesEngine(),
          scenes: new SceneReader(commands, runtime, new PresenceProjection()),
          logger,
          concurrency: 4,
          checkpointEveryMs: 10,
          retryDelayMs: 1,
          owner: {
            processId,
            partitions,
            liveProcesses: async () => new Set(live),
            adoptEveryMs: 600_000,
            keepAdoptedForMs: 0,
          },
        });
        await processor.start();
        const adopt = async () => {
          const count = await processor.adoptOrphans();
          if (count > 0) adopted.push({ processId, count });
        };
        return { processor, commands, process, adopt, lane };
      };
      const [a, b, c] = (await Promise.all(PROCESSES.map(start))) as [
        Awaited<ReturnType<typeof start>>,
        Awaited<ReturnType<typeof start>>,
        Awaited<ReturnType<typeof start>>,
      ];

      // Where each player's socket is: the process that records (and so resolves) its actions.
      const holder = new Map(PLAYERS.map((playerId, i) => [playerId, PROCESSES[Math.floor(i / 2)]!]));
      const owners = new Map<string, string>();
      const writer = keepWriting(async (n) => {
        const playerId = PLAYERS[n % PLAYERS.length]!;
        const processId = holder.get(playerId)!;
        const actionId = `a${n}`;
        try {
          await gateway.handle(
            playerStream(playerId),
            players,
            { type: 'RequestAction', actionId, action: ACTIONS[n % ACTIONS.length]! },
            { commandId: `request-${actionId}`, playerId, metadata: { processId } },
          );
          owners.set(actionId, processId);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error; // too many pending: the player waits
        }
      }, 2);
      const resolvedIds = async () =>
        (await store.readAll({ filter: { eventTypes: ['ActionResolved'] }, maxCount: 100_000 })).map(
          (e) => (e.data as { actionId: string }).actionId,
        );
      const requestedOf = (processId: string) =>
        [...owners].filter(([, owner]) => owner === processId).map(([id]) => id);

      await waitUntil(async () => (await resolvedIds()).length >= 30, 'actions resolved');
      // game-a's model takes its time: it will die with actions in its lane.
      a.lane.stalled = true;
      await waitUntil(() => a.lane.waiting >= 2, 'game-a busy');
      // game-a's players reconnect to game-b (once the write in progress is done, none goes to game-a)…
      for (const [playerId, processId] of holder) if (processId === 'game-a') holder.set(playerId, 'game-b');
      const switchedAt = owners.size;
      await waitUntil(() => owners.size > switchedAt + 1, 'writes after the switch');
      // …because game-a died: its store fails from now on, and its lease runs out.
      a.process.kill();
      a.lane.release();
      await a.processor.stop();
      await a.commands.stop();
      live.delete('game-a');
      const resolvedAtDeath = new Set(await resolvedIds());
      const unresolvedOfA = requestedOf('game-a').filter((id) => !resolvedAtDeath.has(id));
      // Both survivors look for orphans at once: exactly one of them may adopt game-a's actions.
      await Promise.all([b.adopt(), c.adopt()]);
      await waitUntil(async () => (await resolvedIds()).length >= resolvedAtDeath.size + 20, 'more actions');
      await writer.stop();
      await waitUntil(async () => {
        const resolved = new Set(await resolvedIds());
        return [...owners.keys()].every((id) => resolved.has(id));
      }, 'every action resolved');
      for (const survivor of [b, c]) {
        await survivor.processor.stop();
        await survivor.commands.stop();
      }
      await runtime.stop();

      const resolved = await resolvedIds();
      expect(resolved.length).toBe(owners.size);
      expect(new Set(resolved).size).toBe(resolved.length);
      for (const playerId of PLAYERS) {
        const stream = await store.readStream(playerStream(playerId));
        const ids = (type: string) =>
          stream.filter((e) => e.type === type).map((e) => (e.data as { actionId: string }).actionId);
        expect(new Set(ids('ActionResolved'))).toEqual(new Set(ids('ActionRequested')));
      }
      // No work done twice by live processes: each of their actions reached one lane, their own.
      for (const processId of ['game-b', 'game-c']) {
        const mine = requestedOf(processId);
        expect(mine.length).toBeGreaterThan(0);
        for (const actionId of mine)
          expect(calls.filter((call) => call.actionId === actionId)).toEqual([{ processId, actionId }]);
      }
      // game-a's actions went to its lane, and those it left to exactly one adopter.
      expect(unresolvedOfA.length).toBeGreaterThan(0);
      const adopters = new Set(adopted.map((entry) => entry.processId));
      expect(adopters.size).toBe(1);
      for (const call of calls.filter((call) => owners.get(call.actionId) === 'game-a'))
        expect(['game-a', ...adopters]).toContain(call.processId);
      // The dead process's checkpoint is gone; the survivors' remain (theirs to adopt when they die).
      const checkpoints = SqlCheckpointStore.on(db);
      expect(await checkpoints.load(actionsCheckpointOf('game-a'))).toBeUndefined();
      expect(await checkpoints.load(actionsCheckpointOf('game-b'))).toBeDefined();
    }, 120_000);
  });
}
