import { z } from 'zod';
import { MAX_OBSERVED_LINE } from './memory-constants.ts';
import type { Observations } from './observation-collector.ts';

/** The shapes of the NPCs' own events, read defensively: an event that does not fit is not observed. */
export const npcsConversedSchema = z.object({
  speakers: z.tuple([z.string(), z.string()]),
  topic: z.string(),
  lines: z.array(z.object({ npcId: z.string(), text: z.string() })),
});
export const npcReactedSchema = z.object({
  npcId: z.string(),
  reaction: z.string(),
  line: z.string(),
  cause: z.object({
    type: z.string(),
    playerId: z.string().optional(),
    questId: z.string().optional(),
    enemyId: z.string().optional(),
  }),
});

/** What an NPC reacted to, in its own words. */
export function causeText(seen: Observations, cause: z.infer<typeof npcReactedSchema>['cause']): string {
  const who = cause.playerId ? seen.who(cause.playerId) : 'Someone';
  switch (cause.type) {
    case 'PlayerDefeated':
      return `${who} fell`;
    case 'EnemyDefeated':
      return `${who} brought down the ${cause.enemyId ? seen.enemy(cause.enemyId) : 'beast'}`;
    case 'QuestCompleted': {
      const quest = cause.questId ? seen.quest(cause.questId) : undefined;
      return `${who} saw ${quest ? quest : 'a task'} through`;
    }
    default:
      return 'Something happened';
  }
}

/** One line of speech or a topic, cut to a length a memory keeps, and never with a double quote. */
export function short(text: string): string {
  const plain = text
    .replace(/["\u201c\u201d]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length <= MAX_OBSERVED_LINE ? plain : `${plain.slice(0, MAX_OBSERVED_LINE - 1).trimEnd()}…`;
}
