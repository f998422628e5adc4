import { type Built, type ClauseContext, lower } from './clause.ts';
import { namesInclude } from './scene-names.ts';

/** Reading who a player means when they name someone by how they look ("the old man"). */

/** Words that name someone by how they look rather than by name ("the old man", "that woman"). */
const PERSON_WORDS = new Set([
  'man',
  'woman',
  'lady',
  'fellow',
  'gentleman',
  'lad',
  'lass',
  'girl',
  'boy',
  'chap',
  'guy',
  'person',
  'stranger',
  'bloke',
  'sir',
  'madam',
]);
/** Words that start what is asked ("ask the old man what the prophecy means"). */
const QUESTION_START = new Set([
  'what',
  'where',
  'why',
  'how',
  'who',
  'whom',
  'when',
  'which',
  'whether',
  'if',
  'is',
  'are',
  'do',
  'does',
  'did',
  'can',
  'could',
  'will',
  'would',
  'should',
  'to',
]);
const ARTICLES = new Set(['the', 'a', 'an', 'that', 'this', 'those', 'these', 'some']);
/** How far into "ask …" the one asked may reach. */
const ADDRESSEE_WORDS = 4;

/**
 * "ask the old man what the prophecy means": the one asked runs to a word for a person ("man") or to
 * the word that starts the question ("what"); otherwise it is the first word after any article.
 */
export function addresseeAndQuestion(words: string[]): [string[], string[]] {
  const lowered = lower(words).slice(0, ADDRESSEE_WORDS);
  const person = lowered.findIndex((word) => PERSON_WORDS.has(word));
  if (person >= 0) return [words.slice(0, person + 1), words.slice(person + 1)];
  const question = lowered.findIndex((word) => QUESTION_START.has(word));
  if (question >= 0) return [words.slice(0, question), words.slice(question)];
  const name = lowered.findIndex((word) => !ARTICLES.has(word));
  return [words.slice(0, name + 1), words.slice(name + 1)];
}

/**
 * "the old man", "that woman": the one person here, as the player sees them; with several here, who
 * do they mean. Undefined when the words are a name (the rules judge it) or no such description.
 */
export function byDescription(
  typed: string,
  asking: string,
  context: ClauseContext,
): { npc: string } | Extract<Built, { problem: string }> | undefined {
  const { npcs, players } = context.scene;
  const last = typed.toLowerCase().split(/\s+/).at(-1) ?? '';
  if (!PERSON_WORDS.has(last) || namesInclude(npcs, typed) || namesInclude(players, typed)) return undefined;
  if (npcs.length === 1) return { npc: npcs[0]! };
  // "the old man" where Old Tom and Brenna stand: the one whose name has the description's word.
  const described = typed.toLowerCase().split(/\s+/).slice(0, -1);
  const named = npcs.filter((npc) =>
    npc
      .toLowerCase()
      .split(/\s+/)
      .some((word) => described.includes(word)),
  );
  if (named.length === 1) return { npc: named[0]! };
  if (npcs.length === 0) return { problem: 'There is no one here to talk to.', suggestions: ['look'] };
  return {
    problem: `Who do you mean by "${typed}"? Here are ${npcs.slice(0, -1).join(', ')} and ${npcs.at(-1)}.`,
    suggestions: npcs.map((npc) => `talk to ${npc}${asking ? `: ${asking}` : ''}`),
  };
}

/** The NPC here a description names ("examine the old man", "give the scroll to the woman"), if one. */
export function personDescribed(typed: string, context: ClauseContext): string | undefined {
  const described = byDescription(typed, '', context);
  return described && 'npc' in described ? described.npc : undefined;
}
