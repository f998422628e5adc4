/**
 * What an NPC has told a player: stable keys of its content lines ("knowledge:<topic>:<index>",
 * "smallTalk:<index>", "greeting:<index>", …), carried by NpcConversationHeld and kept in the player's
 * state, so that it does not tell the same thing twice however the question is put.
 */

/** The most line keys one reply may tell (a reply is a few lines: greeting, answer, offer, goodbye). */
export const MAX_TOLD_PER_TALK = 8;
/** The longest line key, in characters. */
export const MAX_TOLD_KEY_CHARS = 80;
/** The longest piece of content (a topic) in a key, so that every key stays short. */
const MAX_TOLD_KEY_PART_CHARS = 40;
/** How many told keys the player's state keeps per NPC (the oldest are forgotten first). */
export const MAX_TOLD_PER_NPC = 200;

const KEY = /^[A-Za-z][\w-]*(:[^\s:][^:\n\r\t]*)*$/;

/** Why a reply's told keys are refused, or undefined when they are fine. */
export function toldKeysRefusal(told: readonly unknown[]): string | undefined {
  if (told.length > MAX_TOLD_PER_TALK) return `at most ${MAX_TOLD_PER_TALK} told lines a reply`;
  for (const key of told) {
    if (typeof key !== 'string' || key.length === 0 || key.length > MAX_TOLD_KEY_CHARS || !KEY.test(key))
      return `a told line key is a short "kind:…" id of at most ${MAX_TOLD_KEY_CHARS} characters, got ${JSON.stringify(key)}`;
  }
  return undefined;
}

/** Content words (a topic) as a part of a line key: no colon nor control character, and short. */
export function toldKeyPart(text: string): string {
  const part = text
    .replace(/[:\p{Cc}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_TOLD_KEY_PART_CHARS)
    .trim();
  return part === '' ? '-' : part;
}

/**
 * The keys an NPC has told, oldest first, after it told `told`: a key told again moves to the end
 * (it is the freshest), and only the last MAX_TOLD_PER_NPC are kept.
 */
export function afterTelling(before: readonly string[], told: readonly string[]): string[] {
  const now = new Set(told);
  return [...before.filter((key) => !now.has(key)), ...now].slice(-MAX_TOLD_PER_NPC);
}
