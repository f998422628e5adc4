import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { type PlaceNewsContext, placeNews } from './place-news.ts';

const context: PlaceNewsContext = {
  name: (playerId) => (playerId === 'p1' ? 'ayla' : playerId),
  place: (locationId) => locationId,
  enemy: (enemyId) => enemyId,
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
