import { z } from 'zod';
import { DIRECTIONS } from './directions.ts';

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lowercase words joined by dashes');

const range = z
  .object({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative() })
  .refine((r) => r.min <= r.max, { message: 'min must not be greater than max' });

export const itemSchema = z.object({
  id,
  name: z.string().min(1),
  description: z.string().min(1),
  kind: z.enum(['weapon', 'armor', 'consumable', 'quest', 'misc']),
  weight: z.number().nonnegative(),
  value: z.number().int().nonnegative(),
  /** Weapons: damage dealt per hit, rolled within this range. */
  damage: range.optional(),
  /** Armor: damage taken per hit is reduced by this much (never below 1). */
  defense: z.number().int().nonnegative().optional(),
  /** Consumables: what using one does. The item is used up. */
  use: z.object({ heal: z.number().int().positive().optional(), message: z.string().min(1) }).optional(),
});

export const locationSchema = z.object({
  id,
  name: z.string().min(1),
  region: id,
  description: z.string().min(1),
  /** Extra sentences by time of day, e.g. { "night": "Lanterns gutter in the wind." }. */
  timeOfDay: z.partialRecord(z.enum(['morning', 'day', 'evening', 'night']), z.string().min(1)).default({}),
  exits: z.partialRecord(z.enum(DIRECTIONS), id),
  items: z.array(id).default([]),
  /** Enemy kinds that lurk here (one of each), back after their respawn time once defeated. */
  enemies: z.array(id).default([]),
  /** A safe place: no combat. */
  safe: z.boolean().default(false),
  /** Where the place sits under the sky: only outdoor places see the weather (absent means outdoors). */
  setting: z.enum(['outdoors', 'indoors', 'underground']).optional(),
});

export const npcSchema = z.object({
  id,
  name: z.string().min(1),
  /** Where the NPC is when no schedule entry applies. */
  location: id,
  description: z.string().min(1),
  personality: z.object({
    traits: z.array(z.string().min(1)).min(1),
    /** The mood the NPC starts in; talk shifts it with the relationship. */
    mood: z.enum(['cheerful', 'calm', 'thoughtful', 'grumpy', 'wary', 'sad']).default('calm'),
  }),
  /** How the NPC talks, for templates and LLM prompts alike, e.g. "slow, archaic, speaks in riddles". */
  speechStyle: z.string().min(1),
  greetings: z.array(z.string().min(1)).min(1),
  farewells: z.array(z.string().min(1)).default([]),
  /** What the NPC knows and will tell when asked about one of the keywords. */
  knowledge: z
    .array(
      z.object({
        topic: z.string().min(1),
        keywords: z.array(z.string().min(1)).min(1),
        text: z.string().min(1),
      }),
    )
    .default([]),
  /** Lines for when nothing in the knowledge matches. */
  smallTalk: z.array(z.string().min(1)).min(1),
  /** Starting relationships with other NPCs (-100 hostile … 100 devoted). */
  relationships: z
    .array(z.object({ npc: id, kind: z.string().min(1), score: z.number().int().min(-100).max(100) }))
    .default([]),
  /** Where the NPC is at given game hours (from inclusive, to exclusive; may wrap past midnight). */
  schedule: z
    .array(
      z.object({ from: z.number().int().min(0).max(23), to: z.number().int().min(0).max(24), location: id }),
    )
    .default([]),
});

export const enemySchema = z.object({
  id,
  name: z.string().min(1),
  description: z.string().min(1),
  hp: z.number().int().positive(),
  damage: range,
  defense: z.number().int().nonnegative().default(0),
  xp: z.number().int().nonnegative(),
  /** Items the enemy leaves behind when defeated, each with its chance (0-1). */
  loot: z.array(z.object({ item: id, chance: z.number().min(0).max(1) })).default([]),
  taunts: z.array(z.string().min(1)).min(1),
  respawnSeconds: z.number().int().positive(),
});

const questCondition = z.discriminatedUnion('type', [
  z.object({ type: z.literal('talk'), npc: id }),
  z.object({ type: z.literal('visit'), location: id }),
  z.object({ type: z.literal('defeat'), enemy: id }),
  z.object({ type: z.literal('have'), item: id }),
  /** Use (give) an item on an NPC: the item leaves the inventory. */
  z.object({ type: z.literal('deliver'), item: id, npc: id }),
]);

export const questSchema = z.object({
  id,
  name: z.string().min(1),
  /** The NPC who offers the quest; accepting it needs no particular place. */
  giver: id,
  description: z.string().min(1),
  /** Another quest that must be completed first (chains). */
  requires: id.optional(),
  steps: z
    .array(
      z.object({ id, description: z.string().min(1), condition: questCondition, hint: z.string().min(1) }),
    )
    .min(1),
  rewards: z.object({
    xp: z.number().int().nonnegative().default(0),
    items: z.array(id).default([]),
    relationships: z.array(z.object({ npc: id, change: z.number().int().min(-20).max(20) })).default([]),
  }),
  completion: z.string().min(1),
});

export const weatherSchema = z.object({
  id,
  /** Sentence added to descriptions while this weather holds. */
  description: z.string().min(1),
  /** Relative likelihood. */
  weight: z.number().positive(),
  /** Added to every damage roll in combat here (e.g. -1 in fog). */
  combatModifier: z.number().int().min(-5).max(5).default(0),
});

export const worldSchema = z.object({
  version: z.string().min(1),
  name: z.string().min(1),
  startLocation: id,
  player: z.object({ maxHp: z.number().int().positive(), unarmedDamage: range }),
  time: z.object({
    /** Real seconds per game hour. */
    secondsPerGameHour: z.number().positive(),
    /** Game hours a weather spell lasts. */
    weatherHours: z.number().int().positive(),
  }),
  regions: z.array(z.object({ id, name: z.string().min(1), weather: z.array(weatherSchema).min(1) })).min(1),
  locations: z.array(locationSchema).min(1),
  items: z.array(itemSchema),
  npcs: z.array(npcSchema).default([]),
  enemies: z.array(enemySchema).default([]),
  quests: z.array(questSchema).default([]),
});

export type Item = z.infer<typeof itemSchema>;
export type Location = z.infer<typeof locationSchema>;
export type Npc = z.infer<typeof npcSchema>;
export type Enemy = z.infer<typeof enemySchema>;
export type Quest = z.infer<typeof questSchema>;
export type QuestCondition = z.infer<typeof questCondition>;
export type Weather = z.infer<typeof weatherSchema>;
export type WorldContent = z.infer<typeof worldSchema>;
