import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import type { PlayerEvent } from '../player/player-events.ts';
import { type NpcHistoryState, npcHistory } from './npc-history.ts';
import type { NpcLifeEvent } from './npc-life-events.ts';

const givers: Record<string, string> = { 'lost-ring': 'elder', 'wolf-hunt': 'smith' };
const history = npcHistory('elder', (questId) => givers[questId]);
const at = '2026-11-25T12:00:00.000Z';

/** Given these events (from any player streams), then the elder's history is… */
const given = (events: (PlayerEvent | NpcLifeEvent)[]) => ({
  // biome-ignore lint/suspicious/noThenProperty: Emmett's given/when/then vocabulary; never awaited
  then: (expected: Partial<NpcHistoryState>) =>
    expect(fold(history, events)).toEqual({ ...history.initialState(), ...expected }),
});

const talk = (playerId: string, npcId: string, message: string): PlayerEvent => ({
  type: 'NpcConversationHeld',
  data: { playerId, npcId, locationId: 'hut', message, reply: `${npcId} nods.`, emotion: 'friendly', at },
});
const feel = (playerId: string, npcId: string, score: number): PlayerEvent => ({
  type: 'RelationshipChanged',
  data: { playerId, npcId, change: 1, score, reason: 'talk' },
});

describe('npc history', () => {
  it('starts with nothing having happened', () => {
    given([]).then({ npcId: 'elder', conversations: 0, lastTalk: null });
  });

  it('counts the conversations and remembers the last one', () => {
    given([talk('p1', 'elder', 'hello'), talk('p2', 'elder', 'the star?')]).then({
      conversations: 2,
      lastTalk: { playerId: 'p2', message: 'the star?', reply: 'elder nods.', emotion: 'friendly', at },
    });
  });

  it("keeps each player's latest relationship score", () => {
    given([feel('p1', 'elder', 3), feel('p2', 'elder', -2), feel('p1', 'elder', 5)]).then({
      relationships: { p1: 5, p2: -2 },
    });
  });

  it('lists the items given to it and the quests it gave that players completed', () => {
    given([
      { type: 'ItemGivenToNpc', data: { playerId: 'p1', itemId: 'ring', npcId: 'elder' } },
      { type: 'QuestCompleted', data: { playerId: 'p1', questId: 'lost-ring' } },
      { type: 'QuestCompleted', data: { playerId: 'p2', questId: 'wolf-hunt' } },
    ]).then({
      itemsReceived: [{ playerId: 'p1', itemId: 'ring' }],
      questsCompletedFor: [{ playerId: 'p1', questId: 'lost-ring' }],
    });
  });

  it('keeps its own life: talks with other NPCs (the last one in full) and how it took the news', () => {
    const conversed = (speakers: [string, string], topic: string): NpcLifeEvent => ({
      type: 'NpcsConversed',
      data: {
        conversationId: topic,
        locationId: 'tavern',
        speakers,
        topic,
        lines: [
          { npcId: speakers[0], text: 'Evening.' },
          { npcId: speakers[1], text: `Of ${topic}, then.` },
        ],
        at,
      },
    });
    given([
      conversed(['elder', 'smith'], 'the stars'),
      conversed(['smith', 'tom'], 'ale'),
      conversed(['tom', 'elder'], 'the well'),
      {
        type: 'NpcReacted',
        data: {
          npcId: 'elder',
          locationId: 'hut',
          reaction: 'proud',
          line: 'Ayla has seen it through.',
          cause: { type: 'QuestCompleted', playerId: 'p1', questId: 'lost-ring' },
          at,
        },
      },
      {
        type: 'NpcReacted',
        data: {
          npcId: 'smith',
          locationId: 'smithy',
          reaction: 'shaken',
          line: 'No!',
          cause: { type: 'PlayerDefeated' },
          at,
        },
      },
    ]).then({
      npcTalks: 2,
      lastNpcTalk: {
        with: 'tom',
        locationId: 'tavern',
        topic: 'the well',
        lines: ['tom: Evening.', 'elder: Of the well, then.'],
        at,
      },
      reactions: [{ reaction: 'proud', line: 'Ayla has seen it through.', cause: 'QuestCompleted', at }],
    });
  });

  it('ignores what happened with other NPCs and events about something else', () => {
    given([
      talk('p1', 'smith', 'hello'),
      feel('p1', 'smith', 4),
      { type: 'ItemGivenToNpc', data: { playerId: 'p1', itemId: 'ring', npcId: 'smith' } },
      { type: 'PlayerMoved', data: { playerId: 'p1', from: 'square', to: 'hut', direction: 'north' } },
    ]).then({});
  });
});
