import type { PlayerEventOf } from '../player/player-events.ts';

/** The player events that tell something about an NPC. */
export type NpcHistoryEvent =
  | PlayerEventOf<'NpcConversationHeld'>
  | PlayerEventOf<'RelationshipChanged'>
  | PlayerEventOf<'ItemGivenToNpc'>
  | PlayerEventOf<'QuestCompleted'>;

export const NPC_HISTORY_EVENT_TYPES: readonly NpcHistoryEvent['type'][] = [
  'NpcConversationHeld',
  'RelationshipChanged',
  'ItemGivenToNpc',
  'QuestCompleted',
];

export interface NpcHistoryState {
  npcId: string;
  conversations: number;
  lastTalk: { playerId: string; message: string; reply: string; emotion: string; at: string } | null;
  /** How the NPC feels about each player it has dealt with (-100 … 100). */
  relationships: Readonly<Record<string, number>>;
  itemsReceived: readonly { playerId: string; itemId: string }[];
  /** Quests this NPC gave that a player completed. */
  questsCompletedFor: readonly { playerId: string; questId: string }[];
}

/**
 * What happened between one NPC and the players, folded from the players' streams. A completed quest
 * counts for the NPC who gives it, so the fold needs the quest givers of the content in force.
 */
export function npcHistory(npcId: string, giverOf: (questId: string) => string | undefined) {
  const isAbout = (event: { type: string; data: unknown }): event is NpcHistoryEvent => {
    const data = event.data as { npcId?: string; questId?: string };
    switch (event.type) {
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
      }
    },
  };
}
