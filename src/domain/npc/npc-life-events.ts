import type { DomainEvent } from '../decider.ts';

/** One line of a conversation between NPCs, in the speaker's own voice. */
export interface ConversationLine {
  npcId: string;
  text: string;
}

/** What an NPC reacted to: the world event's type and whom or what it was about. */
export interface ReactionCause {
  type: 'QuestCompleted' | 'PlayerDefeated' | 'EnemyDefeated';
  playerId?: string;
  questId?: string;
  enemyId?: string;
}

export type NpcLifeEvent =
  | DomainEvent<
      'NpcsConversed',
      {
        conversationId: string;
        locationId: string;
        speakers: [string, string];
        topic: string;
        lines: ConversationLine[];
        at: string;
      }
    >
  | DomainEvent<
      'NpcReacted',
      { npcId: string; locationId: string; reaction: string; line: string; cause: ReactionCause; at: string }
    >;

export type NpcLifeEventOf<T extends NpcLifeEvent['type']> = Extract<NpcLifeEvent, { type: T }>;

/** Conversations are recorded per place, reactions per NPC: both streams start with `npc-`. */
export const npcConversationStream = (locationId: string) => `npc-talk-${locationId}`;
export const npcReactionStream = (npcId: string) => `npc-${npcId}`;
