import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { type LocationEvent, locationDecider } from '../location/location.ts';
import { type PlayerEvent, playerDecider } from '../player/player.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { checkEffects, type Effect, type Situation } from './effects.ts';

const world = fixtureWorld();
const at = new Date('2026-11-25T12:00:00.000Z');
const base: PlayerEvent[] = [
  { type: 'PlayerRegistered', data: { playerId: 'p1', username: 'ayla' } },
  { type: 'PlayerSpawned', data: { playerId: 'p1', locationId: 'square', hp: 20, maxHp: 20 } },
];

function situation(
  locationId: string,
  playerEvents: PlayerEvent[] = [],
  locationEvents: LocationEvent[] = [],
): Situation {
  const moved: PlayerEvent[] =
    locationId === 'square'
      ? []
      : [
          {
            type: 'PlayerMoved',
            data: { playerId: 'p1', from: 'square', to: locationId, direction: 'south' },
          },
        ];
  return {
    world,
    player: fold(playerDecider(world), [...base, ...moved, ...playerEvents]),
    location: fold(locationDecider(world, locationId), locationEvents),
    at,
  };
}

const refusals = (s: Situation, effect: Effect) => checkEffects(s, [effect]).refused.map((r) => r.reason);

describe('the rules check every proposed effect, whoever proposed it', () => {
  it('allows only existing exits', () => {
    expect(refusals(situation('square'), { kind: 'move', to: 'hut' })).toEqual([]);
    expect(refusals(situation('square'), { kind: 'move', to: 'throne-room' })).toEqual([
      'no exit from square leads to throne-room',
    ]);
  });

  it('allows taking only items that lie there', () => {
    expect(refusals(situation('square'), { kind: 'take-item', item: 'dagger' })).toEqual([]);
    expect(refusals(situation('square'), { kind: 'take-item', item: 'petal' })).toEqual([
      'petal is not lying at square',
    ]);
    const taken: LocationEvent = {
      type: 'ItemPickedUp',
      data: { locationId: 'square', itemId: 'dagger', playerId: 'p2' },
    };
    expect(refusals(situation('square', [], [taken]), { kind: 'take-item', item: 'dagger' })).toEqual([
      'dagger is not lying at square',
    ]);
  });

  it('allows dropping, using and giving only what is carried, and heals no more than the item does', () => {
    expect(refusals(situation('square'), { kind: 'drop-item', item: 'dagger' })).toEqual([
      'dagger is not carried',
    ]);
    const herb: PlayerEvent = {
      type: 'ItemAddedToInventory',
      data: { playerId: 'p1', itemId: 'herb', reason: 'taken' },
    };
    expect(refusals(situation('square', [herb]), { kind: 'use-item', item: 'herb', heal: 8 })).toEqual([]);
    expect(refusals(situation('square', [herb]), { kind: 'use-item', item: 'herb', heal: 50 })).toEqual([
      'herb heals at most 8',
    ]);
    expect(refusals(situation('square', [herb]), { kind: 'give-item', item: 'herb', npc: 'elder' })).toEqual([
      'elder is not at square',
    ]);
  });

  it('keeps combat damage within the weapon’s and the enemy’s ranges, shifted by weather', () => {
    // Fists 1-2, fog -1 → 1-1 (a hit always does at least 1); the wolf hits 2-4, fog -1 → 1-3.
    const woods = situation('woods');
    expect(refusals(woods, { kind: 'attack', enemy: 'wolf', damageDealt: 1, damageTaken: 3 })).toEqual([]);
    expect(refusals(woods, { kind: 'attack', enemy: 'wolf', damageDealt: 99, damageTaken: 3 })).toEqual([
      'damage dealt 99 is outside 1-1',
    ]);
    expect(refusals(woods, { kind: 'attack', enemy: 'wolf', damageDealt: 1, damageTaken: 4 })).toEqual([
      'damage taken 4 is outside 1-3',
    ]);
    const armed = situation('woods', [
      { type: 'ItemAddedToInventory', data: { playerId: 'p1', itemId: 'dagger', reason: 'taken' } },
    ]);
    expect(refusals(armed, { kind: 'attack', enemy: 'wolf', damageDealt: 4, damageTaken: 2 })).toEqual([]);
    // Dagger 3-5, fog -1 → 2-4.
    expect(refusals(armed, { kind: 'attack', enemy: 'wolf', damageDealt: 5, damageTaken: 1 })).toEqual([
      'damage dealt 5 is outside 2-4',
    ]);
    expect(
      refusals(situation('square'), { kind: 'attack', enemy: 'wolf', damageDealt: 1, damageTaken: 1 }),
    ).toEqual(['square is a safe place']);
  });

  it('allows one move and one blow per action', () => {
    const twice = checkEffects(situation('square'), [
      { kind: 'move', to: 'hut' },
      { kind: 'move', to: 'hut' },
    ]);
    expect(twice.refused.map((r) => r.reason)).toEqual(['only one move per action']);
  });

  it('refuses fighting an enemy that is not there, or is defeated and not yet back', () => {
    const defeated: LocationEvent = {
      type: 'EnemyDefeated',
      data: { locationId: 'woods', enemyId: 'wolf', playerId: 'p2', at: at.toISOString() },
    };
    expect(
      refusals(situation('woods', [], [defeated]), {
        kind: 'attack',
        enemy: 'wolf',
        damageDealt: 1,
        damageTaken: 1,
      }),
    ).toEqual(['wolf is not at woods']);
    const later = { ...situation('woods', [], [defeated]), at: new Date(at.getTime() + 61_000) };
    expect(refusals(later, { kind: 'attack', enemy: 'wolf', damageDealt: 1, damageTaken: 1 })).toEqual([]);
  });

  it('bounds the relationship change of one talk and needs the NPC to be there', () => {
    const hut = { ...situation('square'), player: { ...situation('square').player, locationId: 'hut' } };
    const talk = (relationshipChange: number): Effect => ({
      kind: 'talk',
      npc: 'elder',
      message: 'hi',
      reply: 'Hm.',
      emotion: 'neutral',
      relationshipChange,
    });
    expect(refusals(hut, talk(5))).toEqual([]);
    expect(refusals(hut, talk(40))).toEqual(['relationship change 40 is beyond ±5']);
    expect(refusals(situation('square'), talk(1))).toEqual(['elder is not at square']);
  });

  it('offers a quest only where its giver is, once, and only after the quest it requires', () => {
    const hut = { ...situation('square'), player: { ...situation('square').player, locationId: 'hut' } };
    expect(refusals(hut, { kind: 'accept-quest', quest: 'prophecy' })).toEqual([]);
    expect(refusals(situation('square'), { kind: 'accept-quest', quest: 'prophecy' })).toEqual([
      'the quest giver elder is not at square',
    ]);
    expect(refusals(hut, { kind: 'accept-quest', quest: 'treasure' })).toEqual(['unknown quest treasure']);
  });
});
