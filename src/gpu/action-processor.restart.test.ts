import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandHandler } from '../commands/command-handler.ts';
import { SceneReader } from '../commands/scene-reader.ts';
import { WorldRuntime } from '../commands/world-runtime.ts';
import type { Action } from '../domain/actions.ts';
import { DomainError } from '../domain/decider.ts';
import { playerStream } from '../domain/player/player.ts';
import { fixtureWorld } from '../domain/testing/fixture-world.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import {
  keepWriting,
  mortalProcess,
  sqlBackends,
  waitUntil,
} from '../infrastructure/consumers/crash-testing.ts';
import type { EventStore, Position } from '../infrastructure/event-store/event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { PresenceProjection } from '../projections/presence.ts';
import { ActionProcessor } from './action-processor.ts';
import type { Lane } from './lane.ts';
import { RulesEngine } from './rules/rules-engine.ts';

/**
 * The action processor stopped, and killed, while actions are in flight and players keep acting;
 * restarted each time. Every action is resolved exactly once, in each player's order, and no checkpoint
 * ever passed an action that was not resolved yet.
 */

const logger = createLogger('silent', false);
const PLAYERS = ['p0', 'p1', 'p2', 'p3', 'p4'];
const ACTIONS: Action[] = [
  { action_type: 'look' },
  { action_type: 'move', direction: 'south' },
  { action_type: 'move', direction: 'north' },
];
/** How each processor ends: a clean stop, or a kill (its store and checkpoints fail from then on). */
const ENDS = ['stop', 'kill', 'stop', 'kill'] as const;

/** The rule engine, a little slow: several actions are in flight at any time. */
const slowRules = (): Lane => {
  const rules = new RulesEngine();
  return {
    name: 'slow-rules',
    resolve: async (context) => {
      await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 15));
      return rules.resolve(context);
    },
  };
};

for (const backend of sqlBackends()) {
  describe(`the action processor stopped and killed with actions in flight (${backend.name})`, () => {
    let opened: Awaited<ReturnType<typeof backend.open>>;
    beforeAll(async () => {
      opened = await backend.open();
    });
    afterAll(() => opened?.close());

    it('resolves every action once, in order, and never checkpoints past an unresolved one', async () => {
      const { store } = opened;
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

      // Each save is checked against the store at that moment: every action up to it is resolved.
      const saved: Position[] = [];
      const violations: string[] = [];
      const checkpoints: CheckpointStore = {
        load: async () => saved.at(-1),
        save: async (_name, position) => {
          const events = await store.readAll({
            filter: { eventTypes: ['ActionRequested', 'ActionResolved'] },
            maxCount: 100_000,
          });
          const resolved = new Set(
            events
              .filter((e) => e.type === 'ActionResolved')
              .map((e) => (e.data as { actionId: string }).actionId),
          );
          for (const event of events) {
            const { actionId } = event.data as { actionId: string };
            if (event.type === 'ActionRequested' && event.position <= position && !resolved.has(actionId))
              violations.push(`checkpoint ${position} passed unresolved ${actionId} at ${event.position}`);
          }
          saved.push(position);
        },
      };

      const requested: string[] = [];
      const writer = keepWriting(async (n) => {
        const playerId = PLAYERS[n % PLAYERS.length]!;
        const actionId = `a${n}`;
        try {
          await gateway.handle(
            playerStream(playerId),
            players,
            { type: 'RequestAction', actionId, action: ACTIONS[n % ACTIONS.length]! },
            { commandId: `request-${actionId}`, playerId },
          );
          requested.push(actionId);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error; // too many pending: the player waits
        }
      }, 2);

      const resolvedCount = async () =>
        (await store.readAll({ filter: { eventTypes: ['ActionResolved'] }, maxCount: 100_000 })).length;
      const startProcessor = async (processStore: EventStore, processCheckpoints: CheckpointStore) => {
        const commands = new CommandHandler(processStore);
        await commands.start();
        const processor = new ActionProcessor({
          store: processStore,
          commands,
          checkpoints: processCheckpoints,
          runtime,
          lane: slowRules(),
          rules: new RulesEngine(),
          scenes: new SceneReader(commands, runtime, new PresenceProjection()),
          logger,
          concurrency: 3,
          checkpointEveryMs: 10,
          retryDelayMs: 1,
        });
        await processor.start();
        return async () => {
          await processor.stop();
          await commands.stop();
        };
      };

      let inFlightAtEnd = 0;
      for (const end of ENDS) {
        const process = mortalProcess(store, checkpoints);
        const stop = await startProcessor(process.store, process.checkpoints);
        const before = await resolvedCount();
        await waitUntil(async () => (await resolvedCount()) >= before + 8, 'actions resolved');
        inFlightAtEnd += requested.length - (await resolvedCount());
        if (end === 'kill') process.kill();
        await stop();
      }
      await writer.stop();
      const stop = await startProcessor(store, checkpoints);
      await waitUntil(async () => (await resolvedCount()) >= requested.length, 'every action resolved');
      await stop();
      await runtime.stop();

      // The processors were stopped and killed with actions still waiting.
      expect(inFlightAtEnd).toBeGreaterThan(0);
      expect(violations).toEqual([]);
      expect(saved.length).toBeGreaterThan(ENDS.length);
      for (const playerId of PLAYERS) {
        const stream = await store.readStream(playerStream(playerId));
        const ids = (type: string) =>
          stream.filter((e) => e.type === type).map((e) => (e.data as { actionId: string }).actionId);
        expect(ids('ActionResolved')).toEqual(ids('ActionRequested'));
      }
      expect(await resolvedCount()).toBe(requested.length);
    }, 120_000);
  });
}
