import { FACT_MAX_CHARS, FACT_MAX_WORDS, MAX_FACTS_PER_TALK } from './memory-constants.ts';

/** Something a player said about themselves, extracted from their words (never their words as such). */
export interface PlayerFact {
  kind: PlayerFactKind;
  /** Short and normalised: "Aldric", "Millbrook", "blacksmith", "find your ring", "my brother". */
  value: string;
}

export const PLAYER_FACT_KINDS = ['name', 'home', 'calling', 'promise', 'seeking'] as const;
export type PlayerFactKind = (typeof PLAYER_FACT_KINDS)[number];

/** A player has one name, one home and one calling at a time; promises and quests add up. */
export const SINGLE_VALUED: ReadonlySet<PlayerFactKind> = new Set(['name', 'home', 'calling']);

/**
 * The facts a player states about themselves in one message, without an LLM: "my name is Aldric",
 * "call me Aldric", "I am Aldric of Millbrook", "I hail from Millbrook", "I'm a blacksmith", "I promise
 * to find your ring", "I'm looking for my brother". Questions, negations, reported speech (anything in
 * double quotes) and messages that look like instructions to a model give nothing. Values are short
 * and made only of letters, spaces, apostrophes and hyphens; anything else is dropped, not trimmed.
 */
export function extractPlayerFacts(message: string): PlayerFact[] {
  if (SUSPICIOUS_MESSAGE.test(message)) return [];
  const unquoted = message
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/"[^"]*"|\u201c[^\u201d]*\u201d/g, ' … ');
  // A quote left open: what follows may be someone else's words.
  if (/["\u201c\u201d]/.test(unquoted)) return [];
  const facts: PlayerFact[] = [];
  for (const sentence of unquoted.match(/[^.!?;\n…]+[.!?;\n…]*/g) ?? []) {
    if (sentence.trim().endsWith('?')) continue;
    const statement = sentence.replace(/[.!;\n…]+$/, '').trim();
    const promised = statement.match(PROMISE_AFTER)?.[1];
    if (promised) facts.push(...[phraseFact('promise', words(promised))].filter((f) => f !== undefined));
    for (const clause of statement.split(CLAUSE_BREAK)) {
      facts.push(...factsOfClause(clause.trim()));
    }
  }
  return distinct(facts);
}

/**
 * A fact from elsewhere (a model's answer) made to the extractor's rules: the value normalised the
 * same way, undefined when it does not pass (unknown kind, too long, odd characters, suspicious words).
 */
export function normalisedFact(fact: { kind: string; value: string }): PlayerFact | undefined {
  if (!(PLAYER_FACT_KINDS as readonly string[]).includes(fact.kind)) return undefined;
  const kind = fact.kind as PlayerFactKind;
  const words = fact.value
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .trim()
    .split(/\s+/);
  switch (kind) {
    case 'name':
      return fromWords(kind, nameWords(words, { mustBeCapitalised: false }));
    case 'home':
      return fromWords(kind, placeWords(words));
    case 'calling':
      return fromWords(kind, callingWords(words.filter((w, i) => i > 0 || !ARTICLES.has(lower(w)))));
    default:
      return checked(kind, words.join(' '));
  }
}

/** True when every fact is already as `normalisedFact` would make it, and there are not too many. */
export function factsAreClean(facts: readonly PlayerFact[]): boolean {
  return (
    facts.length <= MAX_FACTS_PER_TALK &&
    facts.every((fact) => {
      const normal = normalisedFact(fact);
      return normal !== undefined && normal.kind === fact.kind && normal.value === fact.value;
    })
  );
}

/**
 * The facts of one talk: those a model read in it (each normalised, the bad ones dropped) and those
 * the extractor finds in the words; of one name, home or calling, the model's stands. At most
 * MAX_FACTS_PER_TALK.
 */
export function factsOfTalk(
  message: string,
  fromModel: readonly { kind: string; value: string }[] = [],
): PlayerFact[] {
  const read = fromModel.map(normalisedFact).filter((fact): fact is PlayerFact => fact !== undefined);
  return distinct([...extractPlayerFacts(message), ...read]).slice(-MAX_FACTS_PER_TALK);
}

// ---------------------------------------------------------------------------------------------------

const SUSPICIOUS_MESSAGE =
  /\b(?:ignore|disregard|forget)\s+(?:all\s+|the\s+|any\s+|your\s+|every\s+)?(?:previous|prior|above|earlier|instructions|rules)|system\s+prompt|new\s+instructions|you\s+are\s+now|<\/?[a-z_]+>|https?:|www\.|[{}`<>\\]/i;
const SUSPICIOUS_WORDS = new Set(
  'ignore disregard instruction instructions system prompt prompts assistant developer jailbreak override admin password token model llm ai http https www'.split(
    ' ',
  ),
);

/** Where one statement ends and another begins inside a sentence: "…, and I come from…". */
const CLAUSE_BREAK =
  /\s*,\s*(?=(?:and\s+|but\s+)?(?:i|i'm|my)\b)|\s+(?:and|but|so|while)\s+(?=(?:i|i'm|my)\b)/i;

const ARTICLES = new Set(['a', 'an', 'the']);
/** Words that end a name or a place. */
const NAME_STOP = new Set(
  'and but or nor so because who whom which that where when while if though although since to with by near in at on of from for the a an as here there now too also yet not'.split(
    ' ',
  ),
);
/** Words that end a promise or a quest ("find your ring, because…"). */
const CLAUSE_STOP = new Set('because but if unless though although since whereas so'.split(' '));
/** "I am …" that is not a name. */
const NOT_NAMES = new Set(
  (
    'i me you he she it we they my your his her our their this that these those here there not no yes ' +
    'so very just only also still really quite too am is are was were be been being do does did done ' +
    'tired hungry thirsty lost sorry fine ok okay good well bad sad glad happy afraid scared ready back ' +
    'sure certain alone new old young sick ill hurt wounded dying dead alive cold hot wet rich poor ' +
    'going coming looking leaving trying waiting listening here hero friend stranger traveller traveler ' +
    'nobody somebody someone anyone everyone nothing something anything everything none all one ' +
    'called named from of in at on with to for by about the a an sir madam lord lady master mistress ' +
    'hello hi hey greetings welcome thanks thank please what who why how when where which whatever ' +
    'later soon again maybe sometime tomorrow tonight today crazy mad lucky unimportant irrelevant secret unknown mine'
  ).split(' '),
);
/** "Brenna's", "Brenna’s", "Aegis'": a word that owns something is never a name. */
const POSSESSIVE = /\p{L}(?:['’]s|s['’])$/iu;
/** Not a home: "I'm from far away". */
const NOT_PLACES = new Set(
  'here there far away nowhere somewhere everywhere anywhere around abroad afar elsewhere this that it home out yonder'.split(
    ' ',
  ),
);
const CALLINGS = new Set(
  (
    'blacksmith smith armourer armorer weaponsmith silversmith goldsmith hunter trapper farmer ' +
    'shepherd herder fisherman fisher sailor merchant trader peddler pedlar tinker knight squire ' +
    'soldier mercenary sellsword warrior fighter guard watchman ranger scout archer priest priestess ' +
    'monk nun cleric paladin healer herbalist physician bard minstrel poet thief rogue wizard mage ' +
    'sorcerer sorceress witch warlock scholar scribe sage miner carpenter mason cook baker brewer ' +
    'innkeeper tailor weaver cobbler woodcutter woodsman forester miller pilgrim adventurer explorer ' +
    'cartographer alchemist apprentice messenger courier druid shaman tanner potter jeweller jeweler ' +
    'butcher stablehand groom gravedigger bounty-hunter monster-hunter hunter-gatherer'
  ).split(' '),
);

const I_AM = String.raw`(?:i\s+am|i'm|im)`;
const WILL = String.raw`(?:i'll|i\s+will|i\s+shall)`;
const NAME_LEADS = [
  /\bmy\s+name(?:\s+is|'s)\s+(.+)/i,
  /(?:^|\s)name's\s+(.+)/i,
  /\bcall\s+me\s+(.+)/i,
  new RegExp(String.raw`\b${I_AM}\s+(?:called|named|known\s+as)\s+(.+)`, 'i'),
];
const BARE_NAME = new RegExp(
  String.raw`^(?:(?:hello|hi|hey|greetings|well\s+met|good\s+(?:day|morning|evening))[\s,!-]*)?${I_AM}\s+(.+)`,
  'i',
);
const HOME_LEADS = [
  new RegExp(String.raw`\b${I_AM}\s+from\s+(.+)`, 'i'),
  /\bi\s+(?:come|hail)\s+from\s+(.+)/i,
  /\bi\s+(?:was\s+born|was\s+raised|grew\s+up)\s+(?:in|at)\s+(.+)/i,
  /\bi\s+(?:live|dwell|reside)\s+(?:in|at)\s+(.+)/i,
  /\bmy\s+home(?:town|\s+village|\s+town)?\s+is\s+(?:in\s+|at\s+)?(.+)/i,
];
const CALLING_LEAD = new RegExp(
  String.raw`\b(?:${I_AM}|i\s+was|i\s+work\s+as|i'm\s+working\s+as|by\s+trade\s+${I_AM})\s+(?:a|an)\s+(.+)`,
  'i',
);
const PROMISE_LEADS = [
  new RegExp(
    String.raw`\bi\s+(?:promise|swear|vow|pledge)(?:\s+(?:to\s+you|you|on\s+my\s+[a-z]+|by\s+the\s+[a-z]+))?(?:\s+that)?\s+(?:${WILL}\s+|to\s+)(.+)`,
    'i',
  ),
  new RegExp(String.raw`\bi\s+give\s+you\s+my\s+word(?:\s+that)?\s+(?:${WILL}\s+|to\s+)(.+)`, 'i'),
];
/** "I will find your ring, I promise": read on the whole sentence, before it is cut into clauses. */
const PROMISE_AFTER = new RegExp(
  String.raw`\b${WILL}\s+(.+?)\s*,?\s+i\s+(?:promise|swear)(?:\s+it|\s+you)?$`,
  'i',
);
const SEEKING_LEADS = [
  new RegExp(String.raw`\b${I_AM}\s+(?:looking|searching|hunting)\s+for\s+(.+)`, 'i'),
  new RegExp(String.raw`\b${I_AM}\s+(?:seeking|after|in\s+search\s+of|on\s+the\s+trail\s+of)\s+(.+)`, 'i'),
  /\bi\s+(?:seek|search\s+for|look\s+for|hunt\s+for|(?:want|need|have|must)\s+(?:to\s+)?find)\s+(.+)/i,
  /\bi\s+(?:have\s+)?(?:come|came)\s+(?:here\s+)?(?:to\s+find|looking\s+for|in\s+search\s+of)\s+(.+)/i,
];

function factsOfClause(clause: string): PlayerFact[] {
  if (clause === '') return [];
  const facts: (PlayerFact | undefined)[] = [];

  for (const lead of NAME_LEADS) {
    const rest = clause.match(lead)?.[1];
    if (rest) facts.push(...nameAndMore(words(rest), { mustBeCapitalised: false }));
  }
  const bare = clause.match(BARE_NAME)?.[1];
  if (
    bare &&
    !/^(?:called|named|known|from|looking|searching|hunting|seeking|after|in|on|a|an)\b/i.test(bare)
  ) {
    facts.push(...nameAndMore(words(bare), { mustBeCapitalised: true }));
  }
  for (const lead of HOME_LEADS) {
    const rest = clause.match(lead)?.[1];
    if (rest) facts.push(placeFact(words(rest)));
  }
  const calling = clause.match(CALLING_LEAD)?.[1];
  if (calling) facts.push(...callingAndMore(words(calling)));
  for (const lead of PROMISE_LEADS) {
    const rest = clause.match(lead)?.[1];
    if (rest) facts.push(phraseFact('promise', words(rest)));
  }
  for (const lead of SEEKING_LEADS) {
    const rest = clause.match(lead)?.[1];
    if (rest) facts.push(phraseFact('seeking', words(rest)));
  }
  return facts.filter((fact): fact is PlayerFact => fact !== undefined);
}

/** "Aldric of Millbrook, a blacksmith" → the name, then a home and a calling when they follow. */
function nameAndMore(rest: string[], options: { mustBeCapitalised: boolean }): (PlayerFact | undefined)[] {
  const name = nameWords(rest, options);
  if (name.length === 0) return [];
  const facts = [fromWords('name', name)];
  const after = rest.slice(name.length);
  const joiner = lower(after[0] ?? '');
  if (joiner === 'from' || (joiner === 'of' && isCapitalised(after[1] ?? ''))) {
    facts.push(placeFact(after.slice(1)));
  } else if (joiner === ',' && ARTICLES.has(lower(after[1] ?? ''))) {
    facts.push(...callingAndMore(after.slice(2)));
  }
  return facts;
}

/** "humble blacksmith from Millbrook" → the calling, then the home when it follows. */
function callingAndMore(rest: string[]): (PlayerFact | undefined)[] {
  const calling = callingWords(rest);
  if (calling.length === 0) return [];
  const facts = [fromWords('calling', calling)];
  const after = rest.slice(calling.length);
  if (lower(after[0] ?? '') === 'from') facts.push(placeFact(after.slice(1)));
  return facts;
}

function nameWords(rest: string[], options: { mustBeCapitalised: boolean }): string[] {
  const name: string[] = [];
  for (const word of rest) {
    if (word === ',' || NAME_STOP.has(lower(word))) break;
    if (options.mustBeCapitalised && !isCapitalised(word)) break;
    if (NOT_NAMES.has(lower(word)) || CALLINGS.has(lower(word))) return [];
    // "I'm Brenna's friend": a possessive names someone else; what follows is who the player is to them.
    if (POSSESSIVE.test(word)) return [];
    name.push(word);
  }
  // A name too long to be one is not cut short: it was not a name.
  if (name.length > FACT_MAX_WORDS.name) return [];
  return name.map(capitalised);
}

function placeFact(rest: string[]): PlayerFact | undefined {
  const place = placeWords(rest);
  return place.length === 0 ? undefined : fromWords('home', place);
}

/** A named place keeps its capitals ("Millbrook"); a described one its article ("the forest road"). */
function placeWords(rest: string[]): string[] {
  const article = lower(rest[0] ?? '') === 'the';
  const place: string[] = [];
  for (const word of rest.slice(article ? 1 : 0)) {
    if (word === ',' || (NAME_STOP.has(lower(word)) && !(place.length > 0 && lower(word) === 'of'))) break;
    place.push(word);
  }
  if (lower(place.at(-1) ?? '') === 'of') place.pop();
  if (place.length === 0 || place.length > FACT_MAX_WORDS.home) return [];
  if (place.some((word) => NOT_PLACES.has(lower(word)))) return [];
  const named = isCapitalised(place[0]!);
  if (named) return place.map((word) => (lower(word) === 'of' ? 'of' : capitalised(word)));
  return [...(article ? ['the'] : []), ...place.map(lower)];
}

/** The calling words up to the last known calling: "travelling merchant", "smith". */
function callingWords(rest: string[]): string[] {
  const phrase: string[] = [];
  for (const word of rest) {
    if (word === ',' || NAME_STOP.has(lower(word))) break;
    phrase.push(lower(word));
  }
  const last = phrase.findLastIndex((word) => CALLINGS.has(word));
  if (last < 0 || last + 1 > FACT_MAX_WORDS.calling) return [];
  return phrase.slice(0, last + 1);
}

function phraseFact(kind: 'promise' | 'seeking', rest: string[]): PlayerFact | undefined {
  const phrase: string[] = [];
  for (const word of rest) {
    if (word === ',' || CLAUSE_STOP.has(lower(word))) break;
    phrase.push(word);
  }
  if (phrase.length === 0 || phrase.length > FACT_MAX_WORDS[kind]) return undefined;
  return checked(kind, phrase.map((word) => (isShouted(word) ? lower(word) : word)).join(' '));
}

function fromWords(kind: PlayerFactKind, value: string[]): PlayerFact | undefined {
  if (value.length === 0) return undefined;
  return checked(kind, value.join(' '));
}

/** The last check every value passes: length, characters, and nothing that reads like an instruction. */
function checked(kind: PlayerFactKind, value: string): PlayerFact | undefined {
  const trimmed = value.trim().replace(/\s+/g, ' ');
  if (trimmed === '' || trimmed.length > FACT_MAX_CHARS) return undefined;
  if (!/^\p{L}[\p{L}' -]*$/u.test(trimmed) || /['-]{2}/.test(trimmed)) return undefined;
  const valueWords = trimmed.split(' ');
  if (valueWords.length > FACT_MAX_WORDS[kind]) return undefined;
  if (valueWords.some((word) => SUSPICIOUS_WORDS.has(lower(word).replace(/['-]/g, '')))) return undefined;
  return { kind, value: trimmed };
}

/** Words, with a comma kept as its own word (it ends a name: "Aldric, a smith"). */
function words(text: string): string[] {
  return text
    .replace(/,/g, ' , ')
    .replace(/[:()[\]]/g, ' , ')
    .split(/\s+/)
    .filter((word) => word !== '');
}

function distinct(facts: PlayerFact[]): PlayerFact[] {
  const byKey = new Map<string, PlayerFact>();
  for (const fact of facts) {
    // Of one name, home or calling in a message, the last said stands.
    const key = SINGLE_VALUED.has(fact.kind) ? fact.kind : `${fact.kind}/${lower(fact.value)}`;
    byKey.delete(key);
    byKey.set(key, fact);
  }
  return [...byKey.values()];
}

function lower(word: string): string {
  return word.toLowerCase();
}

function isCapitalised(word: string): boolean {
  return /^\p{Lu}/u.test(word);
}

function isShouted(word: string): boolean {
  return word.length > 1 && word === word.toUpperCase() && /\p{Lu}/u.test(word);
}

/** "aldric" and "ALDRIC" → "Aldric"; "McAllister" stays. */
function capitalised(word: string): string {
  const rest = isShouted(word) ? word.slice(1).toLowerCase() : word.slice(1);
  return word.charAt(0).toUpperCase() + rest;
}
