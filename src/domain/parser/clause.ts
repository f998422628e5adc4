import { namesInclude, resolveName, type SceneNames, withoutArticles } from './scene-names.ts';

/** The words of one clause, the scene, and the tools every verb's reading shares. */

export interface ClauseContext {
  scene: SceneNames;
  /** Whether the game has this action type: the table names some a game may not have. */
  has(actionType: string): boolean;
  /** An earlier action of the command moves the player: the scene's names may no longer be where they are. */
  moved?: boolean;
}

export type Built =
  | {
      actions: Record<string, unknown>[];
      corrections: string[];
      /** The actions are one per thing of "all" ("take all"): as many as fit run, the rest wait for a next "all". */
      all?: string;
    }
  | { problem: string; suggestions: string[] };

export interface Verb {
  /** Lowercase; a spelling may be several words ("pick up"). The first is the one suggested. */
  spellings: readonly string[];
  /** The action type it makes (the verb is offered only when the game has it). */
  makes: string;
  /** Also offered when the game lacks `makes` but has this (give → use the item on someone). */
  orElse?: string;
  /** Its words are a message: the rest of the text is theirs, "and"s and commas included. */
  message?: true;
  /** A following clause without a verb of its own takes this one ("take the bucket and the scroll"). */
  repeats?: true;
  /** Its build reads the whole clause, the verb's own words included ("good evening, elder"). */
  wholeClause?: true;
  /** It takes no words: followed by others it is not this verb ("i" alone is the inventory, "I am…" is not). */
  alone?: true;
  build(words: string[], context: ClauseContext): Built;
}

export const phrase = (words: readonly string[]) => words.join(' ').trim();
export const lower = (words: readonly string[]) => words.map((word) => word.toLowerCase());
export const done = (action: Record<string, unknown>, corrections: string[] = []): Built => ({
  actions: [action],
  corrections,
});
export const problem = (text: string, suggestions: string[] = []): Built => ({ problem: text, suggestions });
export const some = (list: readonly string[]) => list.slice(0, 3);

/** A typed name as the action carries it, noting a typo corrected against the scene's names. */
export function named(typed: string, names: readonly string[], corrections: string[]): string {
  const resolved = resolveName(typed, names);
  if (resolved.correctedFrom) corrections.push(`"${resolved.correctedFrom}" read as "${resolved.text}"`);
  return resolved.text;
}

/** Drops leading filler words ("at", "to") from the words after a verb. */
export function dropLeading(words: string[], fillers: readonly string[]): string[] {
  let start = 0;
  while (start < words.length && fillers.includes(words[start]!.toLowerCase())) start++;
  return words.slice(start);
}

/** Splits the words at the last of `separators` ("use the key on the door" → key | door). */
export function splitAtLast(
  words: string[],
  separators: readonly string[],
): [string[], string[]] | undefined {
  const lowered = lower(words);
  for (let i = lowered.length - 2; i > 0; i--)
    if (separators.includes(lowered[i]!)) return [words.slice(0, i), words.slice(i + 1)];
  return undefined;
}

/**
 * The longest run of words at the start that names one of `names` ("old tom hello" → old tom |
 * hello), or undefined. Single words of two letters or fewer never count: they would match anything.
 */
export function leadingName(words: string[], names: readonly string[]): [string[], string[]] | undefined {
  for (let k = words.length; k >= 1; k--) {
    const candidate = withoutArticles(phrase(words.slice(0, k)));
    // "the" alone is no name, though "Mira the Herbalist" has it.
    if (candidate.length < 3 || /^(?:the|of)$/i.test(candidate)) continue;
    if (
      names.some((name) => name.toLowerCase() === candidate.toLowerCase()) ||
      namesInclude(names, candidate)
    )
      return [words.slice(0, k), words.slice(k)];
  }
  return undefined;
}

export const itemsAnywhere = (scene: SceneNames) => [...scene.itemsHere, ...scene.carried];
export const everything = (scene: SceneNames) => [
  ...itemsAnywhere(scene),
  ...scene.npcs,
  ...scene.enemies,
  ...scene.players,
];

/** An action on one thing named from a pool of the scene's names ("take <item>"). */
export function onThing(
  actionType: string,
  field: string,
  pool: (scene: SceneNames) => readonly string[],
  verb: string,
  cut: readonly string[] = [],
) {
  return (words: string[], context: ClauseContext): Built => {
    const upTo = lower(words).findIndex((word, i) => i > 0 && cut.includes(word));
    const typed = phrase(upTo > 0 ? words.slice(0, upTo) : words);
    const corrections: string[] = [];
    const names = pool(context.scene);
    const text = named(typed, names, corrections);
    if (!text)
      return problem(
        `${verb[0]!.toUpperCase()}${verb.slice(1)} what?`,
        some(names).map((name) => `${verb} ${name}`),
      );
    return done({ action_type: actionType, [field]: text }, corrections);
  };
}
