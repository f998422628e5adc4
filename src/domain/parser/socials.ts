import { personDescribed } from './addressee.ts';
import {
  type Built,
  type ClauseContext,
  done,
  leadingName,
  lower,
  phrase,
  problem,
  type Verb,
} from './clause.ts';
import { namesInclude, withoutArticles } from './scene-names.ts';

/** Greetings, farewells, thanks and the common MUD socials ("wave", "smile at tom", "sit down"). */

interface Social {
  /** Lowercase spellings; the first is the one suggested. */
  spellings: readonly string[];
  /** What the others here see: "waves", "sits down". */
  does: string;
  /** The word put before a person named right after the verb ("wave tom" → "waves at Old Tom"); "" for hug-like ones. */
  toward?: string;
}

const SOCIALS: readonly Social[] = [
  { spellings: ['wave'], does: 'waves' },
  { spellings: ['smile'], does: 'smiles' },
  { spellings: ['grin'], does: 'grins' },
  { spellings: ['nod'], does: 'nods' },
  { spellings: ['bow'], does: 'bows', toward: 'to' },
  { spellings: ['curtsy', 'curtsey'], does: 'curtsies', toward: 'to' },
  { spellings: ['laugh'], does: 'laughs' },
  { spellings: ['chuckle'], does: 'chuckles' },
  { spellings: ['giggle'], does: 'giggles' },
  { spellings: ['sigh'], does: 'sighs' },
  { spellings: ['shrug'], does: 'shrugs' },
  { spellings: ['cheer'], does: 'cheers' },
  { spellings: ['dance'], does: 'dances', toward: 'with' },
  { spellings: ['sit down', 'sit'], does: 'sits down' },
  { spellings: ['stand up', 'stand'], does: 'stands up' },
  { spellings: ['kneel'], does: 'kneels', toward: 'before' },
  { spellings: ['clap', 'applaud'], does: 'claps', toward: 'for' },
  { spellings: ['cry', 'weep', 'sob'], does: 'cries' },
  { spellings: ['frown'], does: 'frowns' },
  { spellings: ['wink'], does: 'winks' },
  { spellings: ['glare'], does: 'glares' },
  { spellings: ['stare'], does: 'stares' },
  { spellings: ['point'], does: 'points' },
  { spellings: ['blush'], does: 'blushes' },
  { spellings: ['yawn'], does: 'yawns' },
  { spellings: ['cough'], does: 'coughs' },
  { spellings: ['groan'], does: 'groans' },
  { spellings: ['gasp'], does: 'gasps' },
  { spellings: ['scowl'], does: 'scowls' },
  { spellings: ['smirk'], does: 'smirks' },
  { spellings: ['whistle'], does: 'whistles' },
  { spellings: ['hum'], does: 'hums' },
  { spellings: ['stretch'], does: 'stretches' },
  { spellings: ['ponder', 'think'], does: 'ponders' },
  { spellings: ['pray'], does: 'prays' },
  { spellings: ['jump'], does: 'jumps' },
  { spellings: ['shiver'], does: 'shivers' },
  { spellings: ['facepalm'], does: 'facepalms' },
  { spellings: ['hug'], does: 'hugs', toward: '' },
  { spellings: ['embrace'], does: 'embraces', toward: '' },
  { spellings: ['pat'], does: 'pats', toward: '' },
  { spellings: ['poke'], does: 'pokes', toward: '' },
  { spellings: ['tickle'], does: 'tickles', toward: '' },
  { spellings: ['kiss'], does: 'kisses', toward: '' },
  { spellings: ['high five', 'high-five', 'highfive'], does: 'high-fives', toward: '' },
  { spellings: ['shake hands with', 'shake hands'], does: 'shakes hands', toward: 'with' },
];

const PREPOSITIONS = ['at', 'to', 'with', 'before', 'for', 'on', 'towards', 'toward', 'in', 'beside'];
const PUNCTUATION = /^[^\p{L}\p{N}'-]+|[^\p{L}\p{N}'-]+$/gu;

/** The name of someone here (an NPC or a player) that the words start with, as the scene spells it. */
function someoneAt(words: string[], context: ClauseContext): [name: string, after: string[]] | undefined {
  const people = [...context.scene.npcs, ...context.scene.players];
  const cleaned = words.map((word) => word.replace(PUNCTUATION, ''));
  const found = leadingName(cleaned, people);
  if (!found) return undefined;
  const typed = phrase(found[0])
    .toLowerCase()
    .replace(/^(?:the|a|an)\s+/, '');
  const name = people.find((person) => person.toLowerCase() === typed || namesInclude([person], typed));
  return name ? [name, words.slice(found[0].length)] : undefined;
}

function social({ does, toward = 'at' }: Social) {
  return (words: string[], context: ClauseContext): Built => {
    if (words.length === 0) return done({ action_type: 'emote', message: does });
    const typedPreposition = PREPOSITIONS.includes(lower(words)[0]!);
    const preposition = typedPreposition ? words[0]! : toward;
    const target = someoneAt(typedPreposition ? words.slice(1) : words, context);
    if (!target) return done({ action_type: 'emote', message: `${does} ${phrase(words)}` });
    const [name, after] = target;
    const message = [does, preposition, name, phrase(after)].filter(Boolean).join(' ');
    return done({ action_type: 'emote', message });
  };
}

export const SOCIAL_VERBS: readonly Verb[] = SOCIALS.map((entry) => ({
  spellings: entry.spellings,
  makes: 'emote',
  build: social(entry),
}));

/** Words after a greeting that name no one. */
const NO_ONE = new Set([
  'there',
  'everyone',
  'everybody',
  'all',
  'friend',
  'friends',
  'folks',
  'again',
  'you',
]);

/**
 * "go north, then hello elder": the name after the greeting as typed, for the rules to find where the
 * player has gone (at most two words: more are a sentence, said aloud).
 */
function nameAfterGreeting(words: string[]): string | undefined {
  const spelling = GREETING.spellings
    .map((greeting) => greeting.split(' '))
    .filter((parts) => parts.every((part, i) => words[i]?.toLowerCase().replace(/[,!.?]+$/, '') === part))
    .sort((a, b) => b.length - a.length)[0];
  const rest = words
    .slice(spelling?.length ?? 1)
    .map((word) => word.replace(/[,!.?]+/g, ''))
    .filter(Boolean);
  const name = withoutArticles(phrase(rest));
  if (rest.length === 0 || rest.length > 2 || NO_ONE.has(name.toLowerCase()) || name.length < 3)
    return undefined;
  return name;
}

/**
 * "hello elder", "good evening, zorathian", "thanks tom", "bye": the whole text is said to the NPC
 * named in it; unnamed, to the one NPC here; with no one (or several) to say it to, said aloud.
 */
export function greet(words: string[], context: ClauseContext): Built {
  const message = phrase(words);
  const { npcs } = context.scene;
  let addressee: string | undefined;
  for (let start = 1; start < words.length && !addressee; start++) {
    const found = someoneAt(words.slice(start), context);
    if (found) addressee = found[0];
  }
  // "hi old man": the one here the description names.
  const after = nameAfterGreeting(words);
  const described = after && !context.moved ? personDescribed(after, context) : undefined;
  const npc = addressee
    ? npcs.find((name) => name === addressee)
    : described
      ? described
      : context.moved
        ? nameAfterGreeting(words)
        : // "bye elder" where only Old Tom stands is not said to Old Tom.
          npcs.length === 1 && context.has('talk') && !nameAfterGreeting(words)
          ? npcs[0]
          : undefined;
  if (npc && context.has('talk')) return done({ action_type: 'talk', npc, message });
  if (context.has('say')) return done({ action_type: 'say', message });
  return problem('There is no one here to talk to.', ['look']);
}

export const GREETING: Verb = {
  spellings: [
    'hello',
    'hi',
    'hey',
    'hiya',
    'howdy',
    'greetings',
    'good morning',
    'good afternoon',
    'good evening',
    'good day',
    'good night',
    'morning',
    'evening',
    'well met',
    'bye',
    'goodbye',
    'good bye',
    'farewell',
    'see you',
    'thanks',
    'thank you',
    'thank',
    'cheers',
  ],
  makes: 'talk',
  orElse: 'say',
  message: true,
  wholeClause: true,
  build: greet,
};

/**
 * "buy ale", "sell the dagger", "order a drink": the world has no shop. The player is told so and
 * pointed to the people here, who may answer it in words.
 */
export function trading(words: string[], context: ClauseContext): Built {
  const text = phrase(words);
  return problem(
    'Nothing is bought or sold with a command: there are no shops. Ask someone here about it instead.',
    context.has('talk') && context.scene.npcs.length > 0
      ? context.scene.npcs.slice(0, 2).map((npc) => `talk to ${npc}: ${text}`)
      : ['look'],
  );
}

export const SHOPPING: Verb = {
  spellings: ['buy', 'purchase', 'sell', 'order', 'pay', 'pay for', 'rent'],
  makes: 'talk',
  message: true,
  wholeClause: true,
  build: trading,
};
