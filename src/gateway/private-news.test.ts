import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { BroadcastHub, type HubSocket } from './broadcast-hub.ts';
import { FEED_EVENT_TYPES, newsOf, privateNewsOf } from './outcome-feed.ts';
import { PLACE_NEWS_EVENT_TYPES, type PlaceNewsContext, placeNews } from './place-news.ts';
import { PRIVATE_NEWS_EVENT_TYPES, privateNews } from './private-news.ts';
import { ResumeWindow } from './resume-window.ts';
import { SPECTATOR_EVENT_TYPES } from './spectator-view.ts';

const context: PlaceNewsContext = {
  name: (playerId) => ({ p1: 'Aldric', p2: 'Bea', p3: 'Cob' })[playerId] ?? 'someone',
  place: (locationId) => locationId,
  enemy: (enemyId) => enemyId,
  item: (itemId) => itemId,
  npc: (npcId) => npcId,
  locationOf: () => 'square',
};

let position = 100n;
function stored(type: string, data: Record<string, unknown>): StoredEvent {
  position += 1n;
  return {
    id: `e${position}`,
    type,
    data,
    metadata: { timestamp: new Date().toISOString() },
    streamId: `player-${data.playerId}`,
    revision: 0n,
    position,
  };
}
const whispered = () =>
  stored('PlayerWhispered', { playerId: 'p1', toPlayerId: 'p2', locationId: 'square', message: 'psst' });

describe('a whisper is news for its one listener', () => {
  it('is told to the player whispered to, by the whisperer’s name', () => {
    expect(privateNews(whispered(), context)).toEqual([
      {
        playerId: 'p2',
        actor: 'p1',
        broadcast: {
          event: 'player_whispered',
          player: 'Aldric',
          message: 'psst',
          text: 'Aldric whispers to you: "psst"',
        },
      },
    ]);
  });

  it('is never news of the place, so neither the others there nor spectators hear it', () => {
    expect(placeNews(whispered(), context)).toEqual([]);
    expect(PLACE_NEWS_EVENT_TYPES).not.toContain('PlayerWhispered');
    expect(SPECTATOR_EVENT_TYPES).not.toContain('PlayerWhispered');
    expect(FEED_EVENT_TYPES).toEqual(expect.arrayContaining(PRIVATE_NEWS_EVENT_TYPES));
  });

  it('an emote is news of the place, after the player’s name', () => {
    const emoted = stored('PlayerEmoted', { playerId: 'p1', locationId: 'square', message: 'waves.' });
    expect(placeNews(emoted, context)).toEqual([
      {
        locationId: 'square',
        actor: 'p1',
        broadcast: { event: 'player_emoted', player: 'Aldric', message: 'waves.', text: 'Aldric waves.' },
      },
    ]);
  });

  it('is replayed on resume to the player whispered to, and to nobody else', () => {
    const window = new ResumeWindow();
    window.coverFrom(position);
    const after = position;
    const event = whispered();
    window.add(event, newsOf(event, context), privateNewsOf(event, context));
    const replay = (playerId: string) => window.replay(playerId, after, position, 'square');
    expect(replay('p2')).toEqual({
      ok: true,
      missed: [
        {
          kind: 'news',
          position: event.position,
          broadcast: expect.objectContaining({ event: 'player_whispered', position: String(event.position) }),
        },
      ],
    });
    expect(replay('p3')).toEqual({ ok: true, missed: [] });
    expect(replay('p1')).toEqual({ ok: true, missed: [] });
  });
});

class FakeSocket implements HubSocket {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: string[] = [];
  send(data: Buffer): void {
    this.sent.push(data.toString('utf8'));
  }
}

describe('the broadcast hub tells one player alone', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends to the listener’s connections only, whoever else stands there', () => {
    const sockets = {
      p1: new FakeSocket(),
      p2: new FakeSocket(),
      p2b: new FakeSocket(),
      p3: new FakeSocket(),
    };
    const hub = new BroadcastHub({
      recipientsAt: () => new Set(['p1', 'p2', 'p3']),
      socketsOf: (playerId) =>
        playerId === 'p2' ? [sockets.p2, sockets.p2b] : [sockets[playerId as 'p1' | 'p3']],
      tickMs: 50,
    });
    const [told] = privateNewsOf(whispered(), context);
    hub.tell(told!.playerId, told!.broadcast, position);
    vi.advanceTimersByTime(50);
    for (const socket of [sockets.p2, sockets.p2b]) {
      expect(socket.sent).toHaveLength(1);
      expect(JSON.parse(socket.sent[0]!)).toMatchObject({
        type: 'events',
        events: [{ event: 'player_whispered', text: 'Aldric whispers to you: "psst"' }],
      });
    }
    expect(sockets.p1.sent).toEqual([]);
    expect(sockets.p3.sent).toEqual([]);
  });
});
