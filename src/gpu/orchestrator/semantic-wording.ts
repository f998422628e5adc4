import type { Action } from '../../domain/actions.ts';

/**
 * The free wording of an action, normalised: what a talk, say, emote or whisper says. Undefined for
 * actions that carry none (their structured fields are compared exactly by the exact cache).
 */
export function semanticText(action: Action): string | undefined {
  switch (action.action_type) {
    case 'talk':
    case 'say':
    case 'emote':
    case 'whisper':
      return normaliseSemanticText(action.message);
    default:
      return undefined;
  }
}

/**
 * Lower case, one space between words, straight apostrophes, no punctuation around the words except a
 * closing question mark (a question and a statement differ). Undefined when no letter or digit is left.
 */
export function normaliseSemanticText(text: string): string | undefined {
  const words = text.normalize('NFKC').toLowerCase().replace(/[‘’ʼ]/g, "'").replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(words)) return undefined;
  const question = /\?[\s\p{P}]*$/u.test(words);
  const bare = words.replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '');
  return question ? `${bare}?` : bare;
}

/**
 * What embeddings are blind to and a wrong answer follows from: whether the wording is negated ("I am
 * ready" / "I am not ready") and whether it asks or tells ("is the bridge safe?" / "the bridge is
 * safe"). Embedding models, lexical or learned, score such pairs as near-identical; two wordings of
 * different forms are never taken for one another, whatever their similarity. The cost is a miss
 * ("I need work" / "is there any work?"), which is a model call, not a wrong answer.
 * Asking is a question (a closing '?' or a question word first) or a request for information
 * ("tell me about…").
 */
export function wordingForm(normalised: string): string {
  const words = normalised.match(/[\p{L}\p{N}']+/gu) ?? [];
  const negated = words.some((word) => NEGATIONS.has(word) || word.endsWith("n't"));
  const first = words[0] ?? '';
  const asking = normalised.endsWith('?') || QUESTION_OPENERS.has(first) || REQUEST_OPENERS.has(first);
  return `${asking ? 'ask' : 'tell'}${negated ? ':not' : ''}`;
}

const NEGATIONS = new Set(
  'no not never nothing nobody none nowhere nor neither without cannot dont cant wont isnt arent wasnt werent doesnt didnt aint nope'.split(
    ' ',
  ),
);
const QUESTION_OPENERS = new Set(
  "what what's whats where where's wheres who who's whos whom whose why when which how how's hows is are am was were do does did can could will would should shall may might have has had any anyone anybody got".split(
    ' ',
  ),
);
const REQUEST_OPENERS = new Set('tell show explain describe teach'.split(' '));
