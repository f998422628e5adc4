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
  /**
   * Per player: where the content places it, every player finds their own (taking it leaves it there
   * for the others) until they carry one or are past needing it. Absent: true for items of kind
   * `quest` and items a quest step asks to have or deliver. Dropped or looted ones are shared.
   */
  questItem: z.boolean().optional(),
  weight: z.number().nonnegative(),
  value: z.number().int().nonnegative(),
  /** Weapons: damage dealt per hit, rolled within this range. */
  damage: range.optional(),
  /** Armor: damage taken per hit is reduced by this much (never below 1). */
  defense: z.number().int().nonnegative().optional(),
  /**
   * Consumables: what using one does. The item is used up. `how` it is taken: drunk (`drink`), eaten
   * (`eat`) or put on (`apply`: only `use` takes it); absent, only `use` takes it.
   */
  use: z
    .object({
      heal: z.number().int().positive().optional(),
      message: z.string().min(1),
      how: z.enum(['drink', 'eat', 'apply']).optional(),
    })
    .optional(),
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
  /**
   * Items of `items` that come back after being taken: item id → seconds until a taken one lies here
   * again (world time, like an enemy's respawn). An item dropped back here in the meantime fills its
   * place instead, so none is ever doubled. Items not listed are gone once taken; per-player items
   * (see the item's `questItem`) never run out and need none.
   */
  itemRespawns: z.record(id, z.number().int().positive()).default({}),
  /** Enemy kinds that lurk here (one of each), back after their respawn time once defeated. */
  enemies: z.array(id).default([]),
  /** A safe place: no combat. */
  safe: z.boolean().default(false),
  /** Where the place sits under the sky: only outdoor places see the weather (absent means outdoors). */
  setting: z.enum(['outdoors', 'indoors', 'underground']).optional(),
});

const settings = z.enum(['outdoors', 'indoors', 'underground']);
const timesOfDay = z.enum(['morning', 'day', 'evening', 'night']);

/**
 * A line an NPC says only somewhere or at some time (each list: any of these; absent: any). Plain
 * greetings, farewells and small talk fit anywhere the NPC goes.
 */
export const situationalLineSchema = z.object({
  kind: z.enum(['greeting', 'farewell', 'smallTalk']),
  text: z.string().min(1),
  /** Location ids. */
  at: z.array(id).min(1).optional(),
  setting: z.array(settings).min(1).optional(),
  time: z.array(timesOfDay).min(1).optional(),
  /** Weather ids. */
  weather: z.array(id).min(1).optional(),
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
  /** What the NPC calls a player whose name it does not know (fills `{address}` in its lines). */
  address: z.array(z.string().min(1)).default([]),
  /** What the NPC knows and tells when asked about one of the keywords: `text`, then `more` in turn. */
  knowledge: z
    .array(
      z.object({
        topic: z.string().min(1),
        keywords: z.array(z.string().min(1)).min(1),
        text: z.string().min(1),
        /** Told after `text`, one a talk, each going deeper. */
        more: z.array(z.string().min(1)).default([]),
      }),
    )
    .default([]),
  /** How the NPC offers a quest it has for the player (the quest itself is shown beside). */
  offers: z.array(z.string().min(1)).default([]),
  /** When every line of a topic has been told: "{topic}" is the topic. */
  allTold: z.array(z.string().min(1)).default([]),
  /**
   * When asked of what another NPC knows better: "{Topic}"/"{topic}" the topic, "{name}" the one who
   * knows, "{whereabouts}" where they are now, "{address}" what the NPC calls the player (", friend").
   */
  askElsewhere: z.array(z.string().min(1)).default([]),
  /** How the NPC takes what a player tells of themselves ("{value}": the name, home, …), and recalls it later. */
  playerFacts: z
    .partialRecord(
      z.enum(['name', 'home', 'calling', 'promise', 'seeking']),
      z.object({
        heard: z.array(z.string().min(1)).default([]),
        recalled: z.array(z.string().min(1)).default([]),
      }),
    )
    .default({}),
  /** Lines for when nothing in the knowledge matches. */
  smallTalk: z.array(z.string().min(1)).min(1),
  /** Greetings, farewells and small talk that fit only some places, hours or weathers. */
  situational: z.array(situationalLineSchema).default([]),
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
  /** A foe the whole world talks about once it falls (NPCs react to its defeat). */
  boss: z.boolean().optional(),
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
export type SituationalLine = z.infer<typeof situationalLineSchema>;
export type Enemy = z.infer<typeof enemySchema>;
export type Quest = z.infer<typeof questSchema>;
export type QuestCondition = z.infer<typeof questCondition>;
export type Weather = z.infer<typeof weatherSchema>;
export type WorldContent = z.infer<typeof worldSchema>;
