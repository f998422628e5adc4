import { personDescribed } from './addressee.ts';
import { type Built, type ClauseContext, done, everything, lower, phrase, type Verb } from './clause.ts';
import { namesInclude, withoutArticles } from './scene-names.ts';

/**
 * Questions a player asks the game itself ("where am I?", "what is this place?"), as an IF game
 * answers them: the place (a look, which also lists the ways out), or what they carry. A question
 * word is never read as a misspelt verb ("what" is not "chat").
 */
export const QUESTION_WORDS = new Set([
  'what',
  "what's",
  'whats',
  'where',
  "where's",
  'which',
  'why',
  'how',
  'when',
]);

const look = () => done({ action_type: 'look' });
const inventory = () => done({ action_type: 'inventory' });

export const QUESTIONS: readonly Verb[] = [
  {
    spellings: [
      'where am i',
      'where are we',
      'where is this',
      "where's this",
      'what is this place',
      "what's this place",
      'whats this place',
      'what place is this',
      'what is this',
      'what is here',
      "what's here",
      'whats here',
      'what is around',
      "what's around",
      'what is around me',
      'what do i see',
      'what can i see',
      'which way',
      'which ways',
      'where to',
      'where can we go',
      'where can i go from here',
      'what are the exits',
      'where are the exits',
      'where does this lead',
    ],
    makes: 'look',
    alone: true,
    build: look,
  },
  {
    spellings: [
      'what do i have',
      'what do i carry',
      'what am i carrying',
      'what have i got',
      'what do i hold',
      'who am i',
      'how am i',
    ],
    makes: 'inventory',
    alone: true,
    build: inventory,
  },
  {
    // The quest log holds what each quest asks next: the hint a lost player wants.
    spellings: [
      'what should i do',
      'what do i do',

      'what next',
      'hint',
      'hints',
    ],
    makes: 'quest',
    alone: true,
    build: () => done({ action_type: 'quest', op: 'status' }),
  },
];

const ASKING_WHAT = new Set(['what', "what's", 'whats', 'who', "who's", 'whos']);
const BEING = new Set(['is', 'are', 'was']);

/**
 * "what is the old scroll?", "who is the old man?": about something or someone here, a question is
 * examining them. Undefined when the words name nothing here ("what is the prophecy": for an NPC).
 */
export function askedAbout(tokens: readonly string[], context: ClauseContext): Built | undefined {
  const words = lower(tokens);
  if (!ASKING_WHAT.has(words[0] ?? '') || !context.has('examine')) return undefined;
  const rest = BEING.has(words[1] ?? '') ? tokens.slice(2) : tokens.slice(1);
  const typed = withoutArticles(phrase(rest).replace(/[?!.]+$/, ''));
  if (typed.length < 3) return undefined;
  if (namesInclude(everything(context.scene), typed)) return done({ action_type: 'examine', target: typed });
  const person = personDescribed(typed, context);
  return person ? done({ action_type: 'examine', target: person }) : undefined;
}
