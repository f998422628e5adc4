import type { PlayerEventOf } from '../player/player-events.ts';
import type { NpcLifeEventOf } from './npc-life-events.ts';

/** The player events that tell something about an NPC, and its own life: talks with NPCs, reactions. */
export type NpcHistoryEvent =
  | PlayerEventOf<'NpcConversationHeld'>
  | PlayerEventOf<'RelationshipChanged'>
  | PlayerEventOf<'ItemGivenToNpc'>
  | PlayerEventOf<'QuestCompleted'>
  | NpcLifeEventOf<'NpcsConversed'>
  | NpcLifeEventOf<'NpcReacted'>;

export const NPC_HISTORY_EVENT_TYPES: readonly NpcHistoryEvent['type'][] = [
  'NpcConversationHeld',
  'RelationshipChanged',
  'ItemGivenToNpc',
  'QuestCompleted',
  'NpcsConversed',
  'NpcReacted',
];

/** The streams those events are in: the players' and the NPCs' own. */
export const NPC_HISTORY_CATEGORIES = ['player', 'npc'] as const;

export interface NpcHistoryState {
  npcId: string;
  conversations: number;
  lastTalk: { playerId: string; message: string; reply: string; emotion: string; at: string } | null;
  /** How the NPC feels about each player it has dealt with (-100 … 100). */
  relationships: Readonly<Record<string, number>>;
  itemsReceived: readonly { playerId: string; itemId: string }[];
  /** Quests this NPC gave that a player completed. */
  questsCompletedFor: readonly { playerId: string; questId: string }[];
  /** Its talks with other NPCs, and the last one: with whom, about what, and what was said. */
  npcTalks: number;
  lastNpcTalk: { with: string; locationId: string; topic: string; lines: string[]; at: string } | null;
  /** How it took the world's events (a quest completed, a fall, a beast slain), the latest last. */
  reactions: readonly { reaction: string; line: string; cause: string; at: string }[];
}

/**
 * What happened between one NPC and the players, folded from the players' streams. A completed quest
 * counts for the NPC who gives it, so the fold needs the quest givers of the content in force.
 */
export function npcHistory(npcId: string, giverOf: (questId: string) => string | undefined) {
  const isAbout = (event: { type: string; data: unknown }): event is NpcHistoryEvent => {
    const data = event.data as { npcId?: string; questId?: string; speakers?: unknown };
    switch (event.type) {
      case 'NpcsConversed':
        return Array.isArray(data.speakers) && data.speakers.includes(npcId);
      case 'NpcReacted':
      case 'NpcConversationHeld':
      case 'RelationshipChanged':
      case 'ItemGivenToNpc':
        return data.npcId === npcId;
      case 'QuestCompleted':
        return data.questId !== undefined && giverOf(data.questId) === npcId;
      default:
        return false;
    }
  };

  return {
    isAbout,
    initialState: (): NpcHistoryState => ({
      npcId,
      conversations: 0,
      lastTalk: null,
      relationships: {},
      itemsReceived: [],
      questsCompletedFor: [],
      npcTalks: 0,
      lastNpcTalk: null,
      reactions: [],
    }),
    /** Ignores events about other NPCs, so any player event may be folded. */
    evolve(state: NpcHistoryState, event: { type: string; data: unknown }): NpcHistoryState {
      if (!isAbout(event)) return state;
      switch (event.type) {
        case 'NpcConversationHeld': {
          const { playerId, message, reply, emotion, at } = event.data;
          return {
            ...state,
            conversations: state.conversations + 1,
            lastTalk: { playerId, message, reply, emotion, at },
          };
        }
        case 'RelationshipChanged':
          return {
            ...state,
            relationships: { ...state.relationships, [event.data.playerId]: event.data.score },
          };
        case 'ItemGivenToNpc': {
          const { playerId, itemId } = event.data;
          return { ...state, itemsReceived: [...state.itemsReceived, { playerId, itemId }] };
        }
        case 'QuestCompleted': {
          const { playerId, questId } = event.data;
          return { ...state, questsCompletedFor: [...state.questsCompletedFor, { playerId, questId }] };
        }
        case 'NpcsConversed': {
          const { speakers, locationId, topic, lines, at } = event.data;
          const other = speakers[0] === npcId ? speakers[1] : speakers[0];
          return {
            ...state,
            npcTalks: state.npcTalks + 1,
            lastNpcTalk: {
              with: other,
              locationId,
              topic,
              lines: lines.map((l) => `${l.npcId}: ${l.text}`),
              at,
            },
          };
        }
        case 'NpcReacted': {
          const { reaction, line, cause, at } = event.data;
          return { ...state, reactions: [...state.reactions, { reaction, line, cause: cause.type, at }] };
        }
      }
    },
  };
}
