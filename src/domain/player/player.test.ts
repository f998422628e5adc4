import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { starterWorld } from '../testing/starter-world.ts';
import { type PlayerEvent, playerDecider } from './player.ts';

const world = starterWorld();
const spec = deciderSpec(playerDecider(world));
const registered: PlayerEvent[] = [
  { type: 'PlayerRegistered', data: { playerId: 'p1', username: 'ayla' } },
  { type: 'PlayerSpawned', data: { playerId: 'p1', locationId: 'village-square', hp: 100, maxHp: 100 } },
];
const moveNorth: PlayerEvent = {
  type: 'ActionRequested',
  data: { actionId: 'a1', action: { action_type: 'move', direction: 'north' } },
};
const result = { action_type: 'move', narration: 'You walk north.' };

describe('player decider', () => {
  it('registers a new player and spawns them at the start location with full HP', () => {
    spec.given([]).when({ type: 'RegisterPlayer', playerId: 'p1', username: 'ayla' }).then(registered);
  });

  it('registers only once', () => {
    spec
      .given(registered)
      .when({ type: 'RegisterPlayer', playerId: 'p1', username: 'ayla' })
      .thenNothingHappens();
  });

  it('refuses actions of a player who does not exist', () => {
    spec
      .given([])
      .when({ type: 'RequestAction', actionId: 'a1', action: { action_type: 'look' } })
      .thenRefuses('not_registered');
  });

  it('records a requested action once, even when the request is repeated', () => {
    spec
      .given(registered)
      .when({ type: 'RequestAction', actionId: 'a1', action: { action_type: 'look' } })
      .then([{ type: 'ActionRequested', data: { actionId: 'a1', action: { action_type: 'look' } } }]);
    spec
      .given([...registered, moveNorth])
      .when({ type: 'RequestAction', actionId: 'a1', action: { action_type: 'look' } })
      .thenNothingHappens();
  });

  it('moves through an existing exit and resolves the action', () => {
    spec
      .given([...registered, moveNorth])
      .when({
        type: 'ResolveAction',
        actionId: 'a1',
        effects: [{ kind: 'move', to: 'elders-hut' }],
        result,
        source: 'rules',
      })
      .then([
        {
          type: 'PlayerMoved',
          data: { playerId: 'p1', from: 'village-square', to: 'elders-hut', direction: 'north' },
        },
        { type: 'ActionResolved', data: { actionId: 'a1', result, source: 'rules', refusedEffects: [] } },
      ]);
  });

  it('refuses a proposed move where there is no exit, but still answers the player', () => {
    spec
      .given([...registered, moveNorth])
      .when({
        type: 'ResolveAction',
        actionId: 'a1',
        effects: [{ kind: 'move', to: 'forest-edge' }],
        result,
        source: 'llm',
      })
      .then([
        {
          type: 'ActionResolved',
          data: {
            actionId: 'a1',
            result,
            source: 'llm',
            refusedEffects: [
              {
                effect: { kind: 'move', to: 'forest-edge' },
                reason: 'no exit from village-square leads to forest-edge',
              },
            ],
          },
        },
      ]);
  });

  it('resolves an action only once', () => {
    spec
      .given([
        ...registered,
        moveNorth,
        { type: 'ActionResolved', data: { actionId: 'a1', result, source: 'rules', refusedEffects: [] } },
      ])
      .when({
        type: 'ResolveAction',
        actionId: 'a1',
        effects: [{ kind: 'move', to: 'elders-hut' }],
        result,
        source: 'rules',
      })
      .thenNothingHappens();
  });

  it('refuses a flood of unresolved actions', () => {
    const flood: PlayerEvent[] = Array.from({ length: 16 }, (_, i) => ({
      type: 'ActionRequested',
      data: { actionId: `f${i}`, action: { action_type: 'look' } },
    }));
    spec
      .given([...registered, ...flood])
      .when({ type: 'RequestAction', actionId: 'x', action: { action_type: 'look' } })
      .thenRefuses('too_many_pending_actions');
  });

  it('keeps HP between 0 and the maximum', () => {
    spec
      .given(registered)
      .when({ type: 'TakeDamage', amount: 130, cause: 'wolf' })
      .then([{ type: 'DamageTaken', data: { playerId: 'p1', amount: 100, hp: 0, cause: 'wolf' } }]);
    spec
      .given([
        ...registered,
        { type: 'DamageTaken', data: { playerId: 'p1', amount: 30, hp: 70, cause: 'wolf' } },
      ])
      .when({ type: 'Heal', amount: 50, cause: 'herb' })
      .then([{ type: 'PlayerHealed', data: { playerId: 'p1', amount: 30, hp: 100, cause: 'herb' } }]);
    spec
      .given(registered)
      .when({ type: 'TakeDamage', amount: -5, cause: 'bug' })
      .thenRefuses('invalid_amount');
  });

  it('never lets the inventory go negative', () => {
    spec
      .given(registered)
      .when({ type: 'RemoveFromInventory', itemId: 'rusty-dagger' })
      .thenRefuses('not_carried');
    spec
      .given(registered)
      .when({ type: 'AddToInventory', itemId: 'rusty-dagger' })
      .then([{ type: 'ItemAddedToInventory', data: { playerId: 'p1', itemId: 'rusty-dagger' } }]);
    spec
      .given([
        ...registered,
        { type: 'ItemAddedToInventory', data: { playerId: 'p1', itemId: 'rusty-dagger' } },
        { type: 'ItemRemovedFromInventory', data: { playerId: 'p1', itemId: 'rusty-dagger' } },
      ])
      .when({ type: 'RemoveFromInventory', itemId: 'rusty-dagger' })
      .thenRefuses('not_carried');
    spec.given(registered).when({ type: 'AddToInventory', itemId: 'moon-rock' }).thenRefuses('unknown_item');
  });
});
