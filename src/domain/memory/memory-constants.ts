/**
 * The numbers of NPC memory in one place (Generative Agents: importance 1..10 per memory; a reflection
 * when the importance of what happened since the last one adds up past a threshold).
 */

/** How much an NPC makes of what it sees happen near it. */
export const OBSERVATION_IMPORTANCE = {
  arrival: 2,
  departure: 1,
  /** First seen in this world: a stranger worth a look. */
  newcomer: 3,
  /** Back from the dead. */
  return: 4,
  fight: 3,
  defeat: 5,
  death: 8,
  questAccepted: 4,
  questStep: 5,
  questCompleted: 7,
  questAbandoned: 4,
  gift: 6,
  npcTalk: 3,
  npcReaction: 4,
} as const;

export type ObservationKind = keyof typeof OBSERVATION_IMPORTANCE;

/** What a player tells about themselves weighs more than small talk. */
export const FACT_IMPORTANCE = { name: 6, home: 4, calling: 4, promise: 7, seeking: 5 } as const;

/** The longest value of each kind of fact, in words; longer statements are not kept. */
export const FACT_MAX_WORDS = { name: 3, home: 3, calling: 3, promise: 8, seeking: 8 } as const;

/** And in characters, whatever the words. */
export const FACT_MAX_CHARS = 60;

/**
 * An NPC reflects once the importance of the public things it saw since its last reflection adds up
 * to this. The paper uses 150 over a day of a simulated town; 30 is about two fights, a slaying and a
 * gift, so a busy place gets a reflection in an evening of play.
 */
export const REFLECTION_THRESHOLD = 30;

/** A reflection is weightier than any one thing it sums up, and more so after a death. */
export const REFLECTION_IMPORTANCE = { usual: 7, grave: 8 } as const;

/** The most observations a reflection looks back on (older ones have had their say). */
export const REFLECTION_WINDOW = 40;

/**
 * A fight between the same player and enemy, or a player coming (or going) again and again at one
 * place, is one memory until it pauses this many game hours.
 */
export const REPEAT_GAP_GAME_HOURS = 1;

/** The player's facts told to an NPC that every recall brings along, besides the best-ranked memories. */
export const MAX_FACTS_RECALLED = 8;

/** The longest line of an NPC's (or NPC-to-NPC) speech kept in an observation. */
export const MAX_OBSERVED_LINE = 160;

/** What kind of memory (Generative Agents: observations, and reflections drawn from them). */
export const MEMORY_KINDS = ['conversation', 'fact', 'observation', 'reflection'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/** How many memories a talk recalls, best-ranked first (the player's facts come besides). */
export const MEMORIES_RECALLED = 5;

/** The most facts one talk may record (a model's answer with more is cut to these). */
export const MAX_FACTS_PER_TALK = 5;
