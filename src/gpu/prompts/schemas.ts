import { z } from 'zod';
import { PLAYER_FACT_KINDS } from '../../domain/memory/facts.ts';
import { FACT_MAX_CHARS, MAX_FACTS_PER_TALK } from '../../domain/memory/memory-constants.ts';
import { NPC_EMOTIONS } from '../../domain/rules/effects.ts';

// The backends send z.toJSONSchema(schema) as a strict structured-output format, so these schemas
// use no transforms (toJSONSchema cannot express them) and no optional fields (strict mode rejects them).

/** A content id as the world data spells it (lowercase words joined by dashes). */
const contentId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/);
const damage = z.int().min(0);

/**
 * The effects a world model may propose, in snake_case wire form. A plain union of objects with a
 * literal `kind` rather than z.discriminatedUnion: toJSONSchema renders the latter as `oneOf`, which
 * OpenAI's strict mode rejects, and the union as `anyOf`, which it accepts.
 */
export const worldEffectSchema = z.union([
  z.object({ kind: z.literal('move'), to: contentId }),
  z.object({ kind: z.literal('take_item'), item: contentId }),
  z.object({ kind: z.literal('drop_item'), item: contentId }),
  z.object({ kind: z.literal('use_item'), item: contentId, heal: damage }),
  z.object({ kind: z.literal('give_item'), item: contentId, npc: contentId }),
  z.object({ kind: z.literal('attack'), enemy: contentId, damage_dealt: damage, damage_taken: damage }),
]);

export const worldOutputSchema = z.object({
  narration: z.string().min(1).max(2000),
  effects: z.array(worldEffectSchema).max(4),
});

/** Any whole number: the rules refuse changes beyond ±MAX_RELATIONSHIP_CHANGE, so the lane falls back. */
export const npcOutputSchema = z.object({
  reply: z.string().min(1).max(1000),
  emotion: z.enum(NPC_EMOTIONS),
  relationship_change: z.int(),
  /** What the player said about themselves in this message (the lane checks each one again). */
  facts: z
    .array(z.object({ kind: z.enum(PLAYER_FACT_KINDS), value: z.string().max(FACT_MAX_CHARS) }))
    .max(MAX_FACTS_PER_TALK),
});

/** An enemy's line in combat. */
export const tauntOutputSchema = z.object({
  taunt: z.string().min(1).max(200),
});

/** The `schemaName` of each output in an LlmRequest. */
export const OUTPUT_SCHEMA_NAMES = {
  world: 'world_outcome',
  npc: 'npc_reply',
  taunt: 'enemy_taunt',
} as const;

export type WorldEffectWire = z.infer<typeof worldEffectSchema>;
export type WorldOutput = z.infer<typeof worldOutputSchema>;
export type NpcOutput = z.infer<typeof npcOutputSchema>;
export type TauntOutput = z.infer<typeof tauntOutputSchema>;
