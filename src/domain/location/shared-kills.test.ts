import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { buildWorld } from '../world/world.ts';
import { type LocationEvent, locationDecider } from './location.ts';

const world = fixtureWorld();
const woods = deciderSpec(locationDecider(world, 'woods'));
const square = deciderSpec(locationDecider(world, 'square'));
const at = '2026-11-25T12:00:00.000Z';
/** The wolf (6 HP, back 60 s after it falls). */
const later = '2026-11-25T12:05:00.000Z';

const damaged = (playerId: string, damage: number, hp: number): LocationEvent => ({
  type: 'EnemyDamaged',
  data: { locationId: 'woods', enemyId: 'wolf', playerId, damage, hp },
});
const blow = (playerId: string, damage: number, when = at) =>
  ({ type: 'DamageEnemy', enemyId: 'wolf', playerId, damage, at: when, seed: 'a1' }) as const;
const defeated = (playerId: string, when: string, creditedPlayers?: string[]): LocationEvent => ({
  type: 'EnemyDefeated',
  data: {
    locationId: 'woods',
    enemyId: 'wolf',
    playerId,
    at: when,
    ...(creditedPlayers ? { creditedPlayers } : {}),
  },
});
const fang: LocationEvent = {
  type: 'LootDropped',
  data: { locationId: 'woods', enemyId: 'wolf', itemId: 'fang' },
};

describe('location decider: shared kills', () => {
  it('credits every other player who wounded the enemy when one fells it, each once', () => {
    woods
      .given([damaged('p1', 1, 5), damaged('p2', 1, 4), damaged('p1', 1, 3)])
      .when(blow('p3', 3))
      .then([damaged('p3', 3, 0), defeated('p3', at, ['p1', 'p2']), fang]);
  });

  it('credits nobody else when the killer fought alone (the event has no credited players)', () => {
    woods
      .given([damaged('p1', 2, 4)])
      .when(blow('p1', 4))
      .then([damaged('p1', 4, 0), defeated('p1', at), fang]);
  });

  it('counts only blows of the enemy’s current life: those who fought it before it fell share nothing now', () => {
    woods
      .given([damaged('p1', 2, 4), damaged('p2', 4, 0), defeated('p2', at, ['p1']), damaged('p3', 2, 4)])
      .when(blow('p2', 4, later))
      .then([damaged('p2', 4, 0), defeated('p2', later, ['p3']), fang]);
  });
});

describe('location decider: quest loot of a shared kill', () => {
  /** The fixture world where the wolf's fang is a quest item (every player needs their own). */
  const questFang = (() => {
    const content = structuredClone(fixtureWorld().content);
    content.items = content.items.map((item) => (item.id === 'fang' ? { ...item, questItem: true } : item));
    return buildWorld(content);
  })();
  const questWoods = deciderSpec(locationDecider(questFang, 'woods'));

  it('drops a quest item once for each player who shares the kill', () => {
    questWoods
      .given([damaged('p1', 1, 5), damaged('p2', 1, 4)])
      .when(blow('p3', 4))
      .then([damaged('p3', 4, 0), defeated('p3', at, ['p1', 'p2']), fang, fang, fang]);
  });

  it('drops one quest item for a player who fought alone, and one of anything else for a group', () => {
    questWoods
      .given([damaged('p1', 2, 4)])
      .when(blow('p1', 4))
      .then([damaged('p1', 4, 0), defeated('p1', at), fang]);
    woods
      .given([damaged('p1', 1, 5), damaged('p2', 1, 4)])
      .when(blow('p3', 4))
      .then([damaged('p3', 4, 0), defeated('p3', at, ['p1', 'p2']), fang]);
  });
});

describe('location decider: items handed between players', () => {
  it('witnesses an item handed from one player to another (nothing lies down)', () => {
    square
      .given([])
      .when({ type: 'HandOverItem', itemId: 'herb', playerId: 'p1', toPlayerId: 'p2' })
      .then([
        {
          type: 'ItemHandedOver',
          data: { locationId: 'square', itemId: 'herb', playerId: 'p1', toPlayerId: 'p2' },
        },
      ]);
  });

  it('refuses an unknown item, and a player handing something to themselves', () => {
    square
      .given([])
      .when({ type: 'HandOverItem', itemId: 'crown', playerId: 'p1', toPlayerId: 'p2' })
      .thenRefuses('unknown_item');
    square
      .given([])
      .when({ type: 'HandOverItem', itemId: 'herb', playerId: 'p1', toPlayerId: 'p1' })
      .thenRefuses('same_player');
  });
});
