import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { PLACE_NEWS_EVENT_TYPES, type PlaceNewsContext, placeNews } from './place-news.ts';
import { privateNews } from './private-news.ts';

const names: Record<string, string> = { 'old-tom': 'Old Tom', brenna: 'Brenna the Blacksmith' };
const context: PlaceNewsContext = {
  name: (playerId) => playerId,
  place: (locationId) => locationId,
  enemy: (enemyId) => enemyId,
  item: (itemId) => itemId,
  npc: (npcId) => names[npcId] ?? npcId,
  locationOf: () => undefined,
};

const stored = (type: string, data: object, streamId: string): StoredEvent => ({
  id: 'e1',
  type,
  data,
  metadata: { timestamp: new Date(0).toISOString() },
  streamId,
  revision: 0n,
  position: 1n,
});

describe('NPC news at a place', () => {
  it('tells everyone at the place what two NPCs say to each other, line by line', () => {
    const talk = stored(
      'NpcsConversed',
      {
        conversationId: 'c1',
        locationId: 'tavern',
        speakers: ['old-tom', 'brenna'],
        topic: 'small talk',
        lines: [
          { npcId: 'old-tom', text: 'Brenna! Just the face I hoped to see.' },
          { npcId: 'brenna', text: 'Old Tom waters his ale.' },
        ],
        at: new Date(0).toISOString(),
      },
      'npc-talk-tavern',
    );
    expect(PLACE_NEWS_EVENT_TYPES).toContain('NpcsConversed');
    expect(placeNews(talk, context)).toEqual([
      {
        locationId: 'tavern',
        actor: '',
        broadcast: {
          event: 'npc_conversation',
          npcs: ['Old Tom', 'Brenna the Blacksmith'],
          topic: 'small talk',
          lines: [
            {
              npc: 'Old Tom',
              npc_id: 'old-tom',
              to: 'Brenna the Blacksmith',
              text: 'Brenna! Just the face I hoped to see.',
            },
            {
              npc: 'Brenna the Blacksmith',
              npc_id: 'brenna',
              to: 'Old Tom',
              text: 'Old Tom waters his ale.',
            },
          ],
          text: 'Old Tom says to Brenna the Blacksmith: "Brenna! Just the face I hoped to see."\nBrenna the Blacksmith says to Old Tom: "Old Tom waters his ale."',
        },
      },
    ]);
  });

  const reactionTo = (cause: object) =>
    stored(
      'NpcReacted',
      {
        npcId: 'old-tom',
        locationId: 'tavern',
        reaction: 'shaken',
        line: 'ayla went down, right here!',
        cause,
        at: new Date(0).toISOString(),
      },
      'npc-old-tom',
    );
  const reactionBroadcast = {
    event: 'npc_reaction',
    npc: 'Old Tom',
    npc_id: 'old-tom',
    reaction: 'shaken',
    line: 'ayla went down, right here!',
    text: 'Old Tom says: "ayla went down, right here!"',
  };

  it('tells everyone at the place how an NPC takes a world event, and the player it is about wherever they are, once', () => {
    const reacted = reactionTo({ type: 'PlayerDefeated', playerId: 'p1' });
    expect(PLACE_NEWS_EVENT_TYPES).toContain('NpcReacted');
    // The fallen player woke elsewhere: the place news leaves them out, a word of their own reaches them.
    expect(placeNews(reacted, context)).toEqual([
      { locationId: 'tavern', actor: 'p1', broadcast: reactionBroadcast },
    ]);
    expect(privateNews(reacted, context)).toEqual([
      { playerId: 'p1', actor: '', broadcast: reactionBroadcast },
    ]);
  });

  it('tells a reaction about no player (a boss slain by nobody known) only at the place', () => {
    const reacted = reactionTo({ type: 'EnemyDefeated', enemyId: 'wolf' });
    expect(placeNews(reacted, context)).toEqual([
      { locationId: 'tavern', actor: '', broadcast: reactionBroadcast },
    ]);
    expect(privateNews(reacted, context)).toEqual([]);
  });
});
