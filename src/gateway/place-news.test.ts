import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { type PlaceNewsContext, placeNews } from './place-news.ts';

const context: PlaceNewsContext = {
  name: (playerId) => (playerId === 'p1' ? 'ayla' : playerId),
  place: (locationId) => locationId,
  enemy: (enemyId) => enemyId,
  item: (itemId) => itemId,
  npc: (npcId) => npcId,
  locationOf: () => 'square',
};

function stored(type: string, data: object, position = 1n): StoredEvent {
  return {
    id: `e${position}`,
    type,
    data,
    metadata: { timestamp: new Date(0).toISOString() },
    streamId: 'player-p1',
    revision: 0n,
    position,
  };
}

describe('place news of sessions', () => {
  it('tells the place when a player comes into and goes out of the world', () => {
    const came = placeNews(stored('PlayerEnteredWorld', { playerId: 'p1', sessionId: 's1' }), context);
    const went = placeNews(stored('PlayerLeftWorld', { playerId: 'p1', sessionId: 's1' }), context);
    expect(came.map((n) => [n.locationId, n.broadcast.text])).toEqual([['square', 'ayla appears.']]);
    expect(went.map((n) => [n.locationId, n.broadcast.text])).toEqual([['square', 'ayla fades from view.']]);
  });

  it('tells nobody when a second window opens or one of two closes', () => {
    const second = { playerId: 'p1', sessionId: 's2', otherSessions: 1 };
    expect(placeNews(stored('PlayerEnteredWorld', second), context)).toEqual([]);
    expect(placeNews(stored('PlayerLeftWorld', second), context)).toEqual([]);
  });
});

describe('place news of fights and things', () => {
  const location = (type: string, data: object) => ({
    ...stored(type, data),
    streamId: 'location-hollow',
    metadata: { timestamp: new Date(0).toISOString(), playerId: 'p1' },
  });

  it('tells the enemy’s HP and its fall, so those watching know how the fight stands', () => {
    const hit = placeNews(
      location('EnemyDamaged', { locationId: 'hollow', enemyId: 'wolf', playerId: 'p1', damage: 4, hp: 6 }),
      context,
    );
    expect(hit[0]?.broadcast).toMatchObject({ event: 'combat', enemy_id: 'wolf', enemy_hp: 6 });
    const fall = placeNews(
      location('EnemyDefeated', { locationId: 'hollow', enemyId: 'wolf', playerId: 'p1', at: '' }),
      context,
    );
    expect(fall[0]?.broadcast).toMatchObject({ event: 'combat', enemy_id: 'wolf', defeated: true });
  });

  it('tells others what fell, what was picked up and set down (not the one who did it)', () => {
    const loot = placeNews(
      location('LootDropped', { locationId: 'hollow', enemyId: 'wolf', itemId: 'fang' }),
      context,
    );
    expect(loot.map((n) => [n.actor, n.broadcast.event, n.broadcast.item, n.broadcast.text])).toEqual([
      ['p1', 'loot_dropped', { id: 'fang', name: 'fang' }, 'The wolf drops a fang.'],
    ]);
    const taken = placeNews(
      location('ItemPickedUp', { locationId: 'hollow', itemId: 'axe', playerId: 'p1' }),
      context,
    );
    expect(taken.map((n) => [n.actor, n.broadcast.event, n.broadcast.text])).toEqual([
      ['p1', 'item_taken', 'ayla picks up the axe.'],
    ]);
    const dropped = placeNews(
      location('ItemDropped', { locationId: 'hollow', itemId: 'axe', playerId: 'p1' }),
      context,
    );
    expect(dropped.map((n) => n.broadcast.event)).toEqual(['item_dropped']);
    expect(taken[0]!.broadcast).not.toHaveProperty('per_player');
    const ownOne = placeNews(
      location('ItemPickedUp', { locationId: 'hollow', itemId: 'axe', playerId: 'p1', perPlayer: true }),
      context,
    );
    // The onlookers' own per-player axe stays: their panel must not lose it.
    expect(ownOne[0]!.broadcast).toMatchObject({ event: 'item_taken', per_player: true });
  });
});
