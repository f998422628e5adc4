import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandHandler } from '../commands/command-handler.ts';
import { SceneReader } from '../commands/scene-reader.ts';
import { WorldRuntime } from '../commands/world-runtime.ts';
import type { Action } from '../domain/actions.ts';
import { type LocationStep, locationStream } from '../domain/location/location.ts';
import { type Effect, playerStream } from '../domain/player/player.ts';
import { fixtureWorld } from '../domain/testing/fixture-world.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import { openDatabase } from '../infrastructure/database.ts';
import type { EventStore, Position } from '../infrastructure/event-store/event-store.ts';
import { type EventStoreTables, SqlEventStore } from '../infrastructure/event-store/sql-event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import { namespacedStore } from '../infrastructure/testing/namespaced-store.ts';
import { dropSchema, reportSkipped, testServices, uniqueSchema } from '../infrastructure/testing/services.ts';
import { PresenceProjection } from '../projections/presence.ts';
import { ActionProcessor } from './action-processor.ts';
import { RulesEngine } from './rules/rules-engine.ts';

/**
 * Stops the processor after each step of an action (a process killed there), lets a fresh processor
 * with a fresh command handler finish on the same store, and compares the end with a run that was
 * never interrupted: same events (types and data) in every stream, same player and location states.
 */

const AT = new Date('2026-11-25T12:00:00.000Z');
const PLAYER = 'p1';
const logger = createLogger('silent', false);

interface Scenario {
  name: string;
  action: Action;
  /** Where the action happens: the location stream compared. */
  locationId: string;
  touchesLocation: boolean;
  given(gateway: Given): Promise<void>;
}

type Given = (
  id: string,
  effects: Effect[],
  location?: { id: string; steps: LocationStep[] },
) => Promise<void>;

const scenarios: Scenario[] = [
  {
    name: 'take',
    action: { action_type: 'take', item: 'dagger' },
    locationId: 'square',
    touchesLocation: true,
    given: async () => {},
  },
  {
    name: 'drop',
    action: { action_type: 'drop', item: 'dagger' },
    locationId: 'square',
    touchesLocation: true,
    given: (done) =>
      done('took-dagger', [{ kind: 'take-item', item: 'dagger' }], {
        id: 'square',
        steps: [{ type: 'PickUpItem', itemId: 'dagger', playerId: PLAYER, at: '2026-01-01T00:00:00.000Z' }],
      }),
  },
  {
    name: 'an attack that fells an enemy (XP and loot)',
    action: { action_type: 'attack', target: 'wolf' },
    locationId: 'woods',
    touchesLocation: true,
    given: async (done) => {
      await done('went-south', [{ kind: 'move', to: 'woods' }]);
      // Someone else wounded the wolf: one blow fells it.
      await done('wounded-wolf', [], {
        id: 'woods',
        steps: [
          {
            type: 'DamageEnemy',
            enemyId: 'wolf',
            playerId: 'p2',
            damage: 5,
            at: AT.toISOString(),
            seed: 'x',
          },
        ],
      });
    },
  },
  {
    name: 'a plain move',
    action: { action_type: 'move', direction: 'south' },
    locationId: 'square',
    touchesLocation: false,
    given: async () => {},
  },
];

type Dies =
  | { beforeAppend: number }
  | { afterAppend: number | 'last' }
  | { atCheckpointSave: 'before' | 'after' };

const crashPoints: { name: string; dies: Dies; onlyWithLocation?: boolean }[] = [
  { name: 'after ActionRequested is appended', dies: { beforeAppend: 1 } },
  { name: 'after the location append', dies: { afterAppend: 1 }, onlyWithLocation: true },
  { name: 'after the ResolveAction append', dies: { afterAppend: 'last' } },
  { name: 'before the checkpoint save', dies: { atCheckpointSave: 'before' } },
  { name: 'after the checkpoint save', dies: { atCheckpointSave: 'after' } },
];

class Crashed extends Error {
  override readonly name = 'Crashed';
}

/**
 * A process that dies at one point: the store and the checkpoints it writes to work until then, and
 * nothing it asks of them does afterwards (the live subscription is left alone: reading changes nothing).
 */
function dyingProcess(store: EventStore, checkpoints: CheckpointStore, dies: Dies, appends: number) {
  let dead = false;
  let count = 0;
  let died!: () => void;
  const death = new Promise<void>((resolve) => {
    died = resolve;
  });
  const die = () => {
    dead = true;
    died();
  };
  const alive = () => {
    if (dead) throw new Crashed('this process is dead');
  };
  const lastAppend = 'afterAppend' in dies && dies.afterAppend === 'last' ? appends : undefined;
  const dyingStore: EventStore = {
    name: store.name,
    async appendToStream(...args) {
      alive();
      count++;
      if ('beforeAppend' in dies && dies.beforeAppend === count) {
        die();
        alive();
      }
      const result = await store.appendToStream(...args);
      if ('afterAppend' in dies && (lastAppend ?? dies.afterAppend) === count) die();
      alive();
      return result;
    },
    async readStream(...args) {
      alive();
      return store.readStream(...args);
    },
    async readAll(...args) {
      alive();
      return store.readAll(...args);
    },
    subscribeToAll: (options) => store.subscribeToAll(options),
    async headPosition() {
      alive();
      return store.headPosition();
    },
    close: async () => {},
  };
  const dyingCheckpoints: CheckpointStore = {
    load: (name) => checkpoints.load(name),
    async save(name, position) {
      alive();
      if ('atCheckpointSave' in dies && dies.atCheckpointSave === 'before') die();
      alive();
      await checkpoints.save(name, position);
      if ('atCheckpointSave' in dies) die();
    },
  };
  return { store: dyingStore, checkpoints: dyingCheckpoints, death };
}

interface RunResult {
  events: Record<string, [string, unknown][]>;
  player: unknown;
  location: unknown;
}

function crashSuite(label: string, open: () => Promise<EventStore>) {
  describe(`the action processor through a crash (${label})`, () => {
    let base: EventStore;
    let runs = 0;
    beforeAll(async () => {
      base = await open();
    });
    afterAll(() => base?.close());

    /** Plays the scenario on its own streams; `dies` kills the first processor at that point. */
    async function run(scenario: Scenario, dies?: Dies): Promise<RunResult> {
      const store = namespacedStore(base, `crash${++runs}-`);
      const gateway = new CommandHandler(store, { now: () => AT });
      const runtime = await WorldRuntime.start(store, gateway, fixtureWorld(), 'fixture', logger);
      const players = runtime.deciders.player;
      const context = (commandId: string) => ({ commandId, playerId: PLAYER, correlationId: commandId });
      await gateway.handle(
        playerStream(PLAYER),
        players,
        { type: 'RegisterPlayer', playerId: PLAYER, username: 'ayla' },
        context('register'),
      );
      await scenario.given(async (id, effects, location) => {
        const look = { action_type: 'look' } as const;
        await gateway.handle(
          playerStream(PLAYER),
          players,
          { type: 'RequestAction', actionId: id, action: look },
          context(`request-${id}`),
        );
        if (location)
          await gateway.handle(
            locationStream(location.id),
            runtime.deciders.location(location.id),
            { type: 'ApplyActionSteps', steps: location.steps },
            context(`${id}/location`),
          );
        await gateway.handle(
          playerStream(PLAYER),
          players,
          {
            type: 'ResolveAction',
            actionId: id,
            effects,
            result: { action_type: 'look', narration: 'given' },
            source: 'rules',
            at: AT.toISOString(),
          },
          context(`resolve-${id}`),
        );
      });

      let checkpoint: Position | undefined = await base.headPosition();
      const checkpoints: CheckpointStore = {
        load: async () => checkpoint,
        save: async (_name, position) => {
          checkpoint = position;
        },
      };
      await gateway.handle(
        playerStream(PLAYER),
        players,
        { type: 'RequestAction', actionId: 'a1', action: scenario.action },
        context('request-a1'),
      );

      const resolved = async () =>
        (await store.readStream(playerStream(PLAYER))).some(
          (event) =>
            event.type === 'ActionResolved' && (event.data as { actionId: string }).actionId === 'a1',
        );
      const processUntilResolved = async (processStore: EventStore, processCheckpoints: CheckpointStore) => {
        const commands = new CommandHandler(processStore, { now: () => AT });
        await commands.start();
        const processor = new ActionProcessor({
          store: processStore,
          commands,
          checkpoints: processCheckpoints,
          runtime,
          lane: new RulesEngine(),
          rules: new RulesEngine(),
          scenes: new SceneReader(commands, runtime, new PresenceProjection()),
          logger,
          retryDelayMs: 1,
        });
        await processor.start();
        return {
          processor,
          stop: async () => {
            await processor.stop();
            await commands.stop();
          },
        };
      };

      if (dies) {
        const appends = scenario.touchesLocation ? 2 : 1;
        const dying = dyingProcess(store, checkpoints, dies, appends);
        const first = await processUntilResolved(dying.store, dying.checkpoints);
        if ('atCheckpointSave' in dies) await waitFor(resolved);
        else await dying.death;
        await first.stop();
        await dying.death;
      }
      const restarted = await processUntilResolved(store, checkpoints);
      await waitFor(resolved);
      await restarted.stop();

      await runtime.stop();
      const events: RunResult['events'] = {};
      for (const event of await store.readAll()) {
        if (event.streamId === 'world-content') continue;
        events[event.streamId] = [...(events[event.streamId] ?? []), [event.type, event.data]];
      }
      const reader = new CommandHandler(store);
      return {
        events,
        player: (await reader.load(playerStream(PLAYER), players)).state,
        location: (
          await reader.load(
            locationStream(scenario.locationId),
            runtime.deciders.location(scenario.locationId),
          )
        ).state,
      };
    }

    for (const scenario of scenarios) {
      describe(scenario.name, () => {
        let uninterrupted: RunResult;
        beforeAll(async () => {
          uninterrupted = await run(scenario);
        }, 60_000);

        it('does what it should when nothing goes wrong', () => {
          const resolvedA1 = uninterrupted.events[playerStream(PLAYER)]!.filter(
            ([type, data]) => type === 'ActionResolved' && (data as { actionId: string }).actionId === 'a1',
          );
          expect(resolvedA1).toHaveLength(1);
          const player = uninterrupted.player as { inventory: string[]; xp: number; locationId: string };
          if (scenario.name === 'take') expect(player.inventory).toEqual(['dagger']);
          if (scenario.name === 'drop') expect(player.inventory).toEqual([]);
          if (scenario.name.startsWith('an attack')) {
            expect(player.xp).toBe(10);
            expect((uninterrupted.location as { items: string[] }).items).toContain('fang');
            // The player is told what fell (and a re-run after a crash, compared below, tells it too).
            const { result } = resolvedA1[0]![1] as { result: { narration: string; loot?: unknown } };
            expect(result.loot).toEqual([{ id: 'fang', name: 'wolf fang' }]);
            expect(result.narration).toContain('It drops a wolf fang.');
          }
          if (scenario.name === 'a plain move') expect(player.locationId).toBe('woods');
        });

        for (const point of crashPoints) {
          if (point.onlyWithLocation && !scenario.touchesLocation) continue;
          it(`killed ${point.name}, then restarted, ends as if never interrupted`, async () => {
            const interrupted = await run(scenario, point.dies);
            expect(interrupted.events).toEqual(uninterrupted.events);
            expect(interrupted.player).toEqual(uninterrupted.player);
            expect(interrupted.location).toEqual(uninterrupted.location);
          }, 60_000);
        }
      });
    }
  });
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('timed out waiting');
}

crashSuite('embedded store', openInMemoryEventStore);

const postgresUrl = testServices.postgres.url;
if (postgresUrl) {
  const schema = uniqueSchema('crash');
  crashSuite('PostgreSQL', async () => {
    const database = await openDatabase<EventStoreTables>({ kind: 'postgres', url: postgresUrl, schema });
    return new SqlEventStore(database, { name: 'postgres', pollIntervalMs: 20 }, () => database.close());
  });
  afterAll(() => dropSchema(postgresUrl, schema));
} else {
  reportSkipped('PostgreSQL', testServices.postgres.variable);
}
