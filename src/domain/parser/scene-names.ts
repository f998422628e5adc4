import { soundsPlural } from '../world/grammar.ts';
import { findByName } from '../world/lookup.ts';
import type { Direction } from '../world/world.ts';
import { distanceWithin, typoAllowance } from './edit-distance.ts';
import { nameBySense } from './synonyms.ts';

/**
 * The names a player can see where they stand, as the parser is given them: what it resolves typed
 * names against (a typo corrected, "did you mean …?"). The rules resolve names again when the action
 * runs, so a name not here (an item in the next room of a compound command) is passed on as typed.
 */
export interface SceneNames {
  /** Items lying here. */
  itemsHere: readonly string[];
  /** Items the player carries. */
  carried: readonly string[];
  npcs: readonly string[];
  enemies: readonly string[];
  /** The ways out: a direction and the name of the place it leads to. */
  exits: readonly { direction: Direction; name: string }[];
  /** Other players here. */
  players: readonly string[];
  /** What "it" is before the command names anything: the thing the player's last action named. */
  it?: string;
}

export const EMPTY_SCENE: SceneNames = {
  itemsHere: [],
  carried: [],
  npcs: [],
  enemies: [],
  exits: [],
  players: [],
};

const LEADING_DETERMINER = /^(?:the|a|an|some|my|your|that|this|these|those|his|her|their)\s+/i;

/** "the old scroll" → "old scroll"; "my the sword" → "sword". */
export function withoutArticles(phrase: string): string {
  let text = phrase.trim();
  while (LEADING_DETERMINER.test(text)) text = text.replace(LEADING_DETERMINER, '').trim();
  return text;
}

/** What a plural's last word may be in the singular: "wolves" → wolf, wolfe; "berries" → berry; "bats" → bat. */
export function singularForms(typed: string): string[] {
  const match = /^(.*?)(\S+)$/.exec(typed.trim());
  if (!match) return [];
  const [, before, last] = match as unknown as [string, string, string];
  if (!soundsPlural(last) || last.length < 4) return [];
  const stems = [
    ...(/ves$/i.test(last) ? [`${last.slice(0, -3)}f`, `${last.slice(0, -3)}fe`] : []),
    ...(/ies$/i.test(last) ? [`${last.slice(0, -3)}y`] : []),
    ...(/es$/i.test(last) ? [last.slice(0, -2)] : []),
    last.slice(0, -1),
  ];
  return stems.map((stem) => `${before}${stem}`);
}

export interface ResolvedName {
  /** What goes into the action. */
  text: string;
  /** The name as typed, when it was a typo of `text`. */
  correctedFrom?: string;
}

const asCandidates = (names: readonly string[]) => names.map((name) => ({ id: name, name }));

/** Whether the rules would find `typed` among `names` as it is (whole, partial or title words). */
export function namesInclude(names: readonly string[], typed: string): boolean {
  return findByName(asCandidates(names), typed) !== undefined;
}

/**
 * A typed name, as the action should carry it: as typed (without its article) when the rules will
 * find it; the scene's name when the typed one is a near miss of exactly one of them ("swrod" → the
 * rusty sword); as typed otherwise (the rules decide, perhaps somewhere else by then).
 */
export function resolveName(typed: string, names: readonly string[]): ResolvedName {
  const text = withoutArticles(typed);
  if (!text || namesInclude(names, text)) return { text };
  // "attack wolves" where a grey wolf stands: the one the player sees, named as one.
  const single = singularForms(text).find((form) => namesInclude(names, form));
  if (single) return { text: single };
  const near = nearestName(text, names) ?? nameBySense(text, names);
  return near ? { text: near, correctedFrom: text } : { text };
}

/**
 * The one name `typed` is a typo of: compared with each whole name and each word of a name, within
 * the typo allowance of its length. Undefined when none is near enough, or two are equally near.
 */
export function nearestName(typed: string, names: readonly string[]): string | undefined {
  const wanted = typed.toLowerCase();
  const allowance = typoAllowance(wanted);
  if (allowance === 0) return undefined;
  let best: { name: string; distance: number } | undefined;
  let tied = false;
  for (const name of names) {
    const lower = name.toLowerCase();
    const forms = [lower, withoutArticles(lower), ...lower.split(/\s+/).filter((word) => word.length >= 3)];
    const distances = forms.flatMap((form) => distanceWithin(wanted, form, allowance) ?? []);
    if (distances.length === 0) continue;
    const distance = Math.min(...distances);
    if (!best || distance < best.distance) {
      best = { name, distance };
      tied = false;
    } else if (distance === best.distance && best.name !== name) tied = true;
  }
  return best && !tied ? best.name : undefined;
}
