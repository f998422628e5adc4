import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandHandler } from '../commands/command-handler.ts';
import { WorldRuntime } from '../commands/world-runtime.ts';
import type { Action } from '../domain/actions.ts';
import { type LocationStep, locationStream } from '../domain/location/location.ts';
import { type Effect, playerStream } from '../domain/player/player.ts';
import { fixtureWorld } from '../domain/testing/fixture-world.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { namespacedStore } from '../infrastructure/testing/namespaced-store.ts';
import { PresenceProjection } from '../projections/presence.ts';
import {
  actionResolved,
  checkpointsFrom,
  type Dies,
  dyingProcess,
  eventsByStream,
  onEveryStore,
  startActionProcessor,
  waitFor,
} from './testing/crash-fixture.ts';

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

const crashPoints: { name: string; dies: Dies; onlyWithLocation?: boolean }[] = [
  { name: 'after ActionRequested is appended', dies: { beforeAppend: 1 } },
  { name: 'after the location append', dies: { afterAppend: 1 }, onlyWithLocation: true },
  { name: 'after the ResolveAction append', dies: { afterAppend: 'last' } },
  { name: 'before the checkpoint save', dies: { atCheckpointSave: 'before' } },
  { name: 'after the checkpoint save', dies: { atCheckpointSave: 'after' } },
];

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

      const checkpoints = checkpointsFrom(await base.headPosition());
      await gateway.handle(
        playerStream(PLAYER),
        players,
        { type: 'RequestAction', actionId: 'a1', action: scenario.action },
        context('request-a1'),
      );

      const resolved = () => actionResolved(store, PLAYER, 'a1');
      const processUntilResolved = (processStore: EventStore, processCheckpoints: CheckpointStore) =>
        startActionProcessor({
          store: processStore,
          checkpoints: processCheckpoints,
          runtime,
          presence: new PresenceProjection(),
          now: () => AT,
          logger,
        });

      if (dies) {
        const appends = scenario.touchesLocation ? 2 : 1;
        const dying = dyingProcess(store, checkpoints, dies, appends);
        const stopFirst = await processUntilResolved(dying.store, dying.checkpoints);
        if ('atCheckpointSave' in dies) await waitFor(resolved);
        else await dying.death;
        await stopFirst();
        await dying.death;
      }
      const stopRestarted = await processUntilResolved(store, checkpoints);
      await waitFor(resolved);
      await stopRestarted();

      await runtime.stop();
      const events = await eventsByStream(store);
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

onEveryStore('crash', crashSuite);
