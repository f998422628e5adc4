import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { locationDecider } from './location.ts';

const world = fixtureWorld();
const square = deciderSpec(locationDecider(world, 'square'));
const woods = deciderSpec(locationDecider(world, 'woods'));
const at = '2026-11-25T12:00:00.000Z';

describe('location decider', () => {
  it('lets a player pick up an item lying there', () => {
    square
      .given([])
      .when({ type: 'PickUpItem', itemId: 'dagger', playerId: 'p1', at })
      .then([{ type: 'ItemPickedUp', data: { locationId: 'square', itemId: 'dagger', playerId: 'p1', at } }]);
  });

  it('refuses an item that is not there, including one already taken by someone else', () => {
    square
      .given([])
      .when({ type: 'PickUpItem', itemId: 'petal', playerId: 'p1', at })
      .thenRefuses('item_not_here');
    square
      .given([{ type: 'ItemPickedUp', data: { locationId: 'square', itemId: 'dagger', playerId: 'p2', at } }])
      .when({ type: 'PickUpItem', itemId: 'dagger', playerId: 'p1', at })
      .thenRefuses('item_not_here');
  });

  it('lets a dropped item be picked up again', () => {
    square
      .given([
        { type: 'ItemPickedUp', data: { locationId: 'square', itemId: 'dagger', playerId: 'p2', at } },
        { type: 'ItemDropped', data: { locationId: 'square', itemId: 'dagger', playerId: 'p2', at } },
      ])
      .when({ type: 'PickUpItem', itemId: 'dagger', playerId: 'p1', at })
      .then([{ type: 'ItemPickedUp', data: { locationId: 'square', itemId: 'dagger', playerId: 'p1', at } }]);
  });

  it('wounds an enemy, and defeats it at 0 HP, dropping its loot', () => {
    woods
      .given([])
      .when({ type: 'DamageEnemy', enemyId: 'wolf', playerId: 'p1', damage: 4, at, seed: 'a1' })
      .then([
        {
          type: 'EnemyDamaged',
          data: { locationId: 'woods', enemyId: 'wolf', playerId: 'p1', damage: 4, hp: 2 },
        },
      ]);
    woods
      .given([
        {
          type: 'EnemyDamaged',
          data: { locationId: 'woods', enemyId: 'wolf', playerId: 'p2', damage: 4, hp: 2 },
        },
      ])
      .when({ type: 'DamageEnemy', enemyId: 'wolf', playerId: 'p1', damage: 5, at, seed: 'a1' })
      .then([
        {
          type: 'EnemyDamaged',
          data: { locationId: 'woods', enemyId: 'wolf', playerId: 'p1', damage: 2, hp: 0 },
        },
        // p2 wounded it first: they share in its defeat.
        {
          type: 'EnemyDefeated',
          data: { locationId: 'woods', enemyId: 'wolf', playerId: 'p1', at, creditedPlayers: ['p2'] },
        },
        { type: 'LootDropped', data: { locationId: 'woods', enemyId: 'wolf', itemId: 'fang' } },
      ]);
  });

  it('refuses fighting a defeated enemy until it respawns at full strength', () => {
    const defeated = {
      type: 'EnemyDefeated',
      data: { locationId: 'woods', enemyId: 'wolf', playerId: 'p2', at },
    } as const;
    woods
      .given([defeated])
      .when({ type: 'DamageEnemy', enemyId: 'wolf', playerId: 'p1', damage: 1, at, seed: 'a2' })
      .thenRefuses('enemy_not_here');
    const later = new Date(Date.parse(at) + 60_000).toISOString();
    woods
      .given([defeated])
      .when({ type: 'DamageEnemy', enemyId: 'wolf', playerId: 'p1', damage: 1, at: later, seed: 'a2' })
      .then([
        {
          type: 'EnemyDamaged',
          data: { locationId: 'woods', enemyId: 'wolf', playerId: 'p1', damage: 1, hp: 5 },
        },
      ]);
  });

  it("applies all of an action's steps at once, each on the state the ones before left", () => {
    woods
      .given([])
      .when({
        type: 'ApplyActionSteps',
        steps: [
          { type: 'PickUpItem', itemId: 'petal', playerId: 'p1', at },
          { type: 'DropItem', itemId: 'petal', playerId: 'p1', at },
          { type: 'PickUpItem', itemId: 'petal', playerId: 'p1', at },
          { type: 'DamageEnemy', enemyId: 'wolf', playerId: 'p1', damage: 6, at, seed: 'a1' },
        ],
      })
      .then([
        // The petal is a quest item: per player, and set down where it was taken it is theirs again.
        {
          type: 'ItemPickedUp',
          data: { locationId: 'woods', itemId: 'petal', playerId: 'p1', at, perPlayer: true },
        },
        {
          type: 'ItemDropped',
          data: { locationId: 'woods', itemId: 'petal', playerId: 'p1', at, perPlayer: true },
        },
        {
          type: 'ItemPickedUp',
          data: { locationId: 'woods', itemId: 'petal', playerId: 'p1', at, perPlayer: true },
        },
        {
          type: 'EnemyDamaged',
          data: { locationId: 'woods', enemyId: 'wolf', playerId: 'p1', damage: 6, hp: 0 },
        },
        { type: 'EnemyDefeated', data: { locationId: 'woods', enemyId: 'wolf', playerId: 'p1', at } },
        { type: 'LootDropped', data: { locationId: 'woods', enemyId: 'wolf', itemId: 'fang' } },
      ]);
  });

  it('refuses all of the steps when one is refused', () => {
    woods
      .given([])
      .when({
        type: 'ApplyActionSteps',
        steps: [
          { type: 'PickUpItem', itemId: 'petal', playerId: 'p1', at },
          { type: 'PickUpItem', itemId: 'petal', playerId: 'p1', at },
        ],
      })
      .thenRefuses('item_not_here');
  });
});
