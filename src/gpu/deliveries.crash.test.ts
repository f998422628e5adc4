import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandHandler } from '../commands/command-handler.ts';
import { WorldRuntime } from '../commands/world-runtime.ts';
import type { Action } from '../domain/actions.ts';
import { locationStream } from '../domain/location/location.ts';
import { type PlayerState, playerStream } from '../domain/player/player.ts';
import { fixtureWorld } from '../domain/testing/fixture-world.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { namespacedStore } from '../infrastructure/testing/namespaced-store.ts';
import { PresenceProjection } from '../projections/presence.ts';
import {
  actionResolved,
  checkpointsFrom,
  dyingProcess,
  eventsByStream,
  onEveryStore,
  startActionProcessor,
  waitFor,
} from './testing/crash-fixture.ts';

/**
 * An action that reaches another player's stream (an item given, a share in a kill) is killed after
 * each of its appends (location, the other player's step, the actor's own record); a fresh process
 * finishes it. The end must be the uninterrupted run's: the item in exactly one inventory, the kill
 * shared once.
 */

const AT = new Date('2026-11-25T12:00:00.000Z');
const logger = createLogger('silent', false);
const GIVER = 'p1';
const OTHER = 'p2';
/** An action's appends: 1 the location step, 2 the other player's step, 3 the giver's own record. */
const APPENDS = 3;

interface Scenario {
  name: string;
  locationId: string;
  action: Action;
  /**
   * Both players stand here, p1 with a healing herb. gift: p1 gives it to p2; shared-kill: p2 wounded
   * the wolf first; trade: p2 (with a dagger) offered it to p1 for the herb, and p1 accepts.
   */
  kind: 'gift' | 'shared-kill' | 'trade';
}

const scenarios: Scenario[] = [
  {
    name: 'give an item to a player here',
    locationId: 'square',
    action: { action_type: 'give', item: 'herb', to: 'bea' },
    kind: 'gift',
  },
  {
    name: 'fell an enemy another player wounded (shared kill)',
    locationId: 'woods',
    action: { action_type: 'attack', target: 'wolf' },
    kind: 'shared-kill',
  },
  {
    name: 'accept a trade another player offered',
    locationId: 'square',
    action: { action_type: 'trade', op: 'accept', with: 'bea' },
    kind: 'trade',
  },
];

interface RunResult {
  events: Record<string, [string, unknown][]>;
  giver: PlayerState;
  other: PlayerState;
}

function crashSuite(label: string, open: () => Promise<EventStore>) {
  describe(`deliveries to another player through a crash (${label})`, () => {
    let base: EventStore;
    let runs = 0;
    beforeAll(async () => {
      base = await open();
    });
    afterAll(() => base?.close());

    async function run(scenario: Scenario, dieAfter?: number): Promise<RunResult> {
      const store = namespacedStore(base, `deliver${++runs}-`);
      const gateway = new CommandHandler(store, { now: () => AT });
      const runtime = await WorldRuntime.start(store, gateway, fixtureWorld(), 'fixture', logger);
      const players = runtime.deciders.player;
      const presence = new PresenceProjection();
      const context = (commandId: string, playerId: string) => ({
        commandId,
        playerId,
        correlationId: commandId,
      });
      for (const [playerId, username] of [
        [GIVER, 'ayla'],
        [OTHER, 'bea'],
      ] as const) {
        const stream = playerStream(playerId);
        await gateway.handle(
          stream,
          players,
          { type: 'RegisterPlayer', playerId, username },
          context(`reg-${playerId}`, playerId),
        );
        await gateway.handle(
          stream,
          players,
          { type: 'EnterWorld', sessionId: `s-${playerId}` },
          context(`enter-${playerId}`, playerId),
        );
        const setUp = `setup-${playerId}`;
        await gateway.handle(
          stream,
          players,
          { type: 'RequestAction', actionId: setUp, action: { action_type: 'look' } },
          context(`request-${setUp}`, playerId),
        );
        await gateway.handle(
          stream,
          players,
          {
            type: 'ResolveAction',
            actionId: setUp,
            effects: [
              ...(playerId === GIVER ? [{ kind: 'take-item' as const, item: 'herb' }] : []),
              ...(playerId === OTHER && scenario.kind === 'trade'
                ? [{ kind: 'take-item' as const, item: 'dagger' }]
                : []),
              ...(scenario.locationId === 'woods' ? [{ kind: 'move' as const, to: 'woods' }] : []),
            ],
            result: { action_type: 'look', narration: 'given' },
            source: 'rules',
            at: AT.toISOString(),
          },
          context(`resolve-${setUp}`, playerId),
        );
      }
      if (scenario.kind === 'trade') {
        const offer = {
          kind: 'offer-trade',
          offer: 'o1',
          player: GIVER,
          give: 'dagger',
          for: 'herb',
        } as const;
        await gateway.handle(
          playerStream(OTHER),
          players,
          { type: 'RequestAction', actionId: 'o1', action: { action_type: 'look' } },
          context('request-o1', OTHER),
        );
        await gateway.handle(
          locationStream('square'),
          runtime.deciders.location('square'),
          {
            type: 'OfferTrade',
            offerId: 'o1',
            playerId: OTHER,
            toPlayerId: GIVER,
            itemId: 'dagger',
            forItemId: 'herb',
            at: AT.toISOString(),
          },
          context('o1/location', OTHER),
        );
        await gateway.handle(
          playerStream(OTHER),
          players,
          {
            type: 'ResolveAction',
            actionId: 'o1',
            effects: [offer],
            result: { action_type: 'trade', narration: 'offered' },
            source: 'rules',
            at: AT.toISOString(),
          },
          context('resolve-o1', OTHER),
        );
      }
      if (scenario.kind === 'shared-kill')
        await gateway.handle(
          locationStream('woods'),
          runtime.deciders.location('woods'),
          {
            type: 'DamageEnemy',
            enemyId: 'wolf',
            playerId: OTHER,
            damage: 5,
            at: AT.toISOString(),
            seed: 'w',
          },
          context('wound', OTHER),
        );
      for (const event of await store.readAll()) presence.apply(event);

      const checkpoints = checkpointsFrom(await base.headPosition());
      await gateway.handle(
        playerStream(GIVER),
        players,
        { type: 'RequestAction', actionId: 'a1', action: scenario.action },
        context('request-a1', GIVER),
      );
      const resolved = () => actionResolved(store, GIVER, 'a1');
      const startProcess = (processStore: EventStore) =>
        startActionProcessor({ store: processStore, checkpoints, runtime, presence, now: () => AT, logger });

      if (dieAfter !== undefined) {
        // Only the store dies here: the checkpoints stay as they are.
        const dying = dyingProcess(store, checkpoints, { afterAppend: dieAfter }, APPENDS);
        const stop = await startProcess(dying.store);
        await dying.death;
        await stop();
      }
      const stop = await startProcess(store);
      await waitFor(resolved);
      await stop();
      await runtime.stop();

      const events = await eventsByStream(store);
      const reader = new CommandHandler(store);
      return {
        events,
        giver: (await reader.load(playerStream(GIVER), players)).state,
        other: (await reader.load(playerStream(OTHER), players)).state,
      };
    }

    for (const scenario of scenarios) {
      describe(scenario.name, () => {
        let uninterrupted: RunResult;
        beforeAll(async () => {
          uninterrupted = await run(scenario);
        }, 60_000);

        it('does what it should when nothing goes wrong', () => {
          const notices = uninterrupted.events[playerStream(OTHER)]!.filter(
            ([type, data]) =>
              type === 'ActionResolved' && (data as { actionId: string }).actionId.startsWith('a1/'),
          );
          expect(notices).toHaveLength(1);
          if (scenario.kind === 'trade') {
            expect(uninterrupted.giver.inventory).toEqual(['dagger']);
            expect(uninterrupted.other.inventory).toEqual(['herb']);
            expect((notices[0]![1] as { result: { narration: string } }).result.narration).toBe(
              'ayla accepts your offer: the dagger for a healing herb, which is yours now.',
            );
          } else if (scenario.kind === 'shared-kill') {
            expect(uninterrupted.giver.xp).toBe(10);
            expect(uninterrupted.other.xp).toBe(10);
            expect((notices[0]![1] as { result: { narration: string } }).result.narration).toContain(
              'ayla fells the grey wolf. You share in the defeat of the grey wolf (+10 XP).',
            );
          } else {
            expect(uninterrupted.giver.inventory).toEqual([]);
            expect(uninterrupted.other.inventory).toEqual(['herb']);
            expect((notices[0]![1] as { result: { narration: string } }).result.narration).toBe(
              'ayla gives you a healing herb.',
            );
          }
        });

        for (let dieAfter = 1; dieAfter <= APPENDS; dieAfter++) {
          it(`killed after append ${dieAfter} of ${APPENDS}, then restarted, ends as if never interrupted`, async () => {
            const interrupted = await run(scenario, dieAfter);
            expect(interrupted.events).toEqual(uninterrupted.events);
            expect(interrupted.giver).toEqual(uninterrupted.giver);
            expect(interrupted.other).toEqual(uninterrupted.other);
            if (scenario.kind !== 'shared-kill') {
              const items = [...interrupted.giver.inventory, ...interrupted.other.inventory];
              expect(items.filter((i) => i === 'herb')).toHaveLength(1);
              if (scenario.kind === 'trade') expect(items.filter((i) => i === 'dagger')).toHaveLength(1);
            }
          }, 60_000);
        }
      });
    }
  });
}

onEveryStore('deliveries', crashSuite);
