import { type Action, actionSchema, isActionType } from '../actions.ts';
import { everything } from './clause.ts';
import { DIRECTION_SPELLINGS, directionOf, isDiagonal } from './directions.ts';
import { askedAbout, QUESTION_WORDS } from './questions.ts';
import { nearestName, resolveName, type SceneNames, withoutArticles } from './scene-names.ts';
import { type ClauseContext, type Verb, verbAt, verbsNear } from './verbs.ts';

export type ParsedCommand =
  | {
      ok: true;
      actions: Action[];
      /** Names read as another the scene has ("swrod" read as "rusty sword"). */
      corrections: string[];
    }
  | {
      ok: false;
      /** What could not be read, in words a player understands. */
      error: string;
      /** Whole commands the player may have meant, or could try. */
      suggestions: string[];
    };

export interface ParseOptions {
  scene: SceneNames;
  /** At most this many actions from one text. */
  maxActions: number;
  /** Whether the game has an action type (default: the actions schema's). */
  has?: (actionType: string) => boolean;
}

/** Politeness and glue before a clause's verb ("please", "then", "I want to"). */
const LEADING_FILLER =
  /^(?:please|pls|kindly|now|then|and|also|next|first|finally|afterwards|after that|i\s+(?:want|would like|wish|need|try)\s+to|i'd like to|i\s+will|i'll|let's|let us|(?:can|could|would|will)\s+you|try to)\s+/i;
const TRAILING_FILLER = /(?:\s+(?:please|pls|now))?[\s.!?]*$/i;
/** Where a clause ends, for verbs whose words are not a message. */
const CLAUSE_END = /\s*[;,]\s*|[.!?]+(?:\s+|$)|\s+(?:and\s+then|and|then|after\s+that)\s+/i;
/** Where a message may end: only before another clause that starts with a verb ("say hi then go north"). */
const MESSAGE_END = /\s*;\s*|[,.!?]?\s+(?:and\s+)?then\s+|[.!?]\s+/gi;

function withoutFiller(text: string): string {
  let rest = text.trim();
  for (let before = ''; before !== rest; ) {
    before = rest;
    rest = rest.replace(LEADING_FILLER, '').trim();
  }
  return rest;
}

const words = (text: string) => text.split(' ').filter(Boolean);

interface Clause {
  text: string;
  /** The command's text from this clause on: what a statement that is no command said. */
  from: string;
  /** It starts a new sentence (after ". "): it takes no verb from the clause before. */
  newSentence: boolean;
}

/** Splits a command into clauses: at "and", "then", commas, semicolons and full stops, never inside a message. */
function splitClauses(text: string, context: ClauseContext, atMost = Number.POSITIVE_INFINITY): Clause[] {
  const clauses: Clause[] = [];
  let rest = text.replace(/\s+/g, ' ').trim();
  let newSentence = false;
  while (rest && clauses.length < atMost) {
    rest = withoutFiller(rest.replace(/^[\s;,.!]+/, ''));
    if (!rest) break;
    const from = rest;
    if (rest === '?') {
      clauses.push({ text: rest, from, newSentence });
      break;
    }
    const verb = verbAt(words(rest), context)?.verb;
    if (verb?.message || /^["'“‘]/.test(rest)) {
      // A message runs at least to the end of its first word: the loop always moves on.
      const end = Math.max(messageEnd(rest, context), rest.indexOf(' ') + 1 || rest.length);
      clauses.push({ text: rest.slice(0, end).trim(), from, newSentence });
      rest = rest.slice(end);
      newSentence = /^[.!?]/.test(rest);
      continue;
    }
    const end = CLAUSE_END.exec(rest);
    const clause = end ? rest.slice(0, end.index) : rest;
    const cleaned = clause.replace(TRAILING_FILLER, '').trim();
    clauses.push({ text: cleaned || clause.trim(), from, newSentence });
    rest = end ? rest.slice(end.index + end[0].length) : '';
    newSentence = end !== null && /[.!?]/.test(end[0]);
  }
  return clauses.filter((clause) => clause.text);
}

function messageEnd(text: string, context: ClauseContext): number {
  for (const match of text.matchAll(MESSAGE_END)) {
    if (match[0].includes(';')) return match.index;
    const next = withoutFiller(text.slice(match.index + match[0].length));
    const first = words(next);
    const then = /then/i.test(match[0]);
    if (verbAt(first, context) || (then && first.length > 0 && directionOf(first[0]!))) return match.index;
  }
  return text.length;
}

type ClauseOutcome =
  | { actions: Record<string, unknown>[]; corrections: string[]; verb?: Verb }
  | { problem: string; suggestions: string[] }
  /** Words that are no command at all ("my name is Aldric"): what to do with them is about all of them. */
  | { statement: true };

function parseClause(clause: string, context: ClauseContext, previous: Verb | undefined): ClauseOutcome {
  const quoted = /^["'“‘](.*?)["'”’]?$/.exec(clause);
  if (quoted && context.has('say')) {
    const message = quoted[1]!.trim();
    return message
      ? { actions: [{ action_type: 'say', message }], corrections: [] }
      : { problem: 'Say what?', suggestions: ['"hello'] };
  }
  let tokens = words(clause);
  // "I take the sword": the player speaking of themselves.
  if (tokens.length > 1 && tokens[0]!.toLowerCase() === 'i' && verbAt(tokens.slice(1), context))
    tokens = tokens.slice(1);
  const found = verbAt(tokens, context);
  if (found) {
    const read = found.verb.wholeClause ? tokens : tokens.slice(found.length);
    return { ...found.verb.build(read, context), verb: found.verb };
  }
  // "n", and "n n e": directions alone, one move each.
  if (tokens.every((token) => directionOf(token)) && context.has('move'))
    return {
      actions: tokens.map((token) => ({ action_type: 'move', direction: directionOf(token) })),
      corrections: [],
    };
  if (tokens.length === 1 && isDiagonal(tokens[0]!))
    return {
      problem: `There are no diagonal ways: the world's ways are north, south, east, west, up and down.`,
      suggestions: context.scene.exits.map((exit) => `go ${exit.direction}`),
    };
  // "take the bucket and the scroll": the second clause takes the first's verb.
  if (previous?.repeats && !notMoreOfPrevious(tokens, context)) {
    const repeated = previous.build(tokens, context);
    if ('actions' in repeated) return { ...repeated, verb: previous };
  }
  return askedAbout(tokens, context) ?? notUnderstood(tokens, context);
}

/** Words a sentence about someone has and a list of names has not ("go east and my name is Bob"). */
const STATEMENT_WORDS = new Set(['is', 'am', 'are', 'was', 'were', 'i', "i'm", 'we', 'you', "it's"]);

/**
 * "go east and tkae sword": a misspelt verb, not more of the previous one (unless it names something
 * here); "… and my name is Bob": a statement, not more of it either.
 */
function notMoreOfPrevious(tokens: string[], context: ClauseContext): boolean {
  // "SYSTEM: grant me xp": a label and its words, no thing's name.
  if (tokens.some((token) => STATEMENT_WORDS.has(token.toLowerCase()) || token.includes(':'))) return true;
  const { scene } = context;
  const typed = withoutArticles(tokens.join(' '));
  const names = [
    ...scene.itemsHere,
    ...scene.carried,
    ...scene.npcs,
    ...scene.enemies,
    ...scene.exits.map((e) => e.name),
  ];
  if (directionOf(typed) || findIn(typed, names) || nearestName(typed, names)) return false;
  return verbsNear(tokens[0] ?? '', context).length > 0;
}

function notUnderstood(tokens: string[], context: ClauseContext): ClauseOutcome {
  const [first = '', ...rest] = tokens;
  const { scene } = context;
  // "tkae bukcet": the name's typo mended too, when it is one of a name here.
  const typedTail = rest.join(' ');
  const mended = typedTail ? resolveName(typedTail, everything(scene)) : undefined;
  const tail = mended?.correctedFrom ? mended.text : typedTail;
  const typed = tokens.join(' ');
  // A verb itself ("who are you"): not a typo, but words it does not take.
  const suggestions = (QUESTION_WORDS.has(first.toLowerCase()) ? [] : verbsNear(first, context))
    .filter((verb) => verb !== first.toLowerCase())
    .map((verb) => `${verb}${tail ? ` ${tail}` : ''}`);
  // "nroth": a direction's typo.
  const way =
    tokens.length === 1 && context.has('move') ? nearestName(first, DIRECTION_SPELLINGS) : undefined;
  if (way) suggestions.unshift(`go ${directionOf(way)}`);
  const meant = suggestions[0];
  // A name alone ("sword", "the elder", "smithy"): what one usually does with it.
  const item =
    nearestName(typed, [...scene.itemsHere, ...scene.carried]) ??
    findIn(typed, [...scene.itemsHere, ...scene.carried]);
  if (item) suggestions.push(...(scene.itemsHere.includes(item) ? [`take ${item}`] : []), `examine ${item}`);
  const npc = findIn(typed, scene.npcs) ?? nearestName(typed, scene.npcs);
  if (npc) suggestions.push(`talk to ${npc}`);
  const enemy = findIn(typed, scene.enemies) ?? nearestName(typed, scene.enemies);
  if (enemy) suggestions.push(`attack ${enemy}`);
  const exit = scene.exits.find((way) => findIn(typed, [way.name]) ?? nearestName(typed, [way.name]));
  if (exit) suggestions.push(`go ${exit.direction}`);
  if (suggestions.length === 0 && context.has('say')) return { statement: true };
  if (suggestions.length === 0)
    suggestions.push('look', ...scene.exits.slice(0, 2).map((way) => `go ${way.direction}`), 'help');
  return {
    problem: `I don't understand "${typed}".${meant ? ` Did you mean "${meant}"?` : ''}`,
    suggestions: [...new Set(suggestions)].slice(0, 4),
  };
}

/** The name among `names` that `typed` names whole or by a word of it ("elder" → Elder Zorathian). */
function findIn(typed: string, names: readonly string[]): string | undefined {
  const wanted = typed.toLowerCase().replace(/^(?:the|a|an)\s+/, '');
  if (wanted.length < 3 || /^(?:the|of)$/.test(wanted)) return undefined;
  return names.find((name) => {
    const lower = name.toLowerCase();
    return lower === wanted || lower.split(/\s+/).includes(wanted) || lower.replace(/^the\s+/, '') === wanted;
  });
}

/**
 * Reads what a player typed as the actions it asks for, in order: "pick up the sword and go north"
 * → take sword, move north. Articles and politeness are dropped, verbs read in their common
 * synonyms, names checked against the scene (a typo of a name here is corrected, a name not here is
 * passed on for the rules to judge). What cannot be read gets suggestions instead.
 */
export function parseCommand(text: string, options: ParseOptions): ParsedCommand {
  const context: ClauseContext = { scene: options.scene, has: options.has ?? isActionType };
  // One clause more than may run is enough to know the command holds too many.
  const clauses = splitClauses(text, context, options.maxActions + 1);
  if (clauses.length === 0)
    return { ok: false, error: 'Type what you want to do.', suggestions: ['look', 'help'] };
  const said = (index: number) => (index === 0 ? text.replace(/\s+/g, ' ').trim() : clauses[index]!.from);
  // A statement of many "and"s is no list of too many actions.
  if (clauses.length > options.maxActions)
    return 'statement' in parseClause(clauses[0]!.text, context, undefined)
      ? statement(said(0), [], context)
      : tooMany(clauses, options.maxActions);
  const actions: Action[] = [];
  const corrections: string[] = [];
  let previous: Verb | undefined;
  let previousClause: Action[] = [];
  for (const [index, { text: clause, newSentence }] of clauses.entries()) {
    // "take the scroll and again": the clause before, once more ("again" alone is the desk's).
    if (AGAIN.test(clause) && previousClause.length > 0) {
      actions.push(...previousClause);
      continue;
    }
    const clauseStart = actions.length;
    const moved = actions.some((action) => action.action_type === 'move');
    const outcome = parseClause(clause, { ...context, moved }, newSentence ? undefined : previous);
    const before = clauses.slice(0, index).map((c) => c.text);
    if ('statement' in outcome) return statement(said(index), before, context);
    if ('problem' in outcome) {
      const after = clauses.slice(index + 1).map((c) => c.text);
      return {
        ok: false,
        error: outcome.problem,
        suggestions: outcome.suggestions.map((suggestion) =>
          [...before, suggestion, ...after].join(', then '),
        ),
      };
    }
    let candidates = outcome.actions;
    if ('all' in outcome && outcome.all && actions.length + candidates.length > options.maxActions) {
      const room = Math.max(0, options.maxActions - actions.length);
      corrections.push(
        `"${outcome.all}": ${room} of ${candidates.length} in this command; "${outcome.all}" again for the rest`,
      );
      candidates = candidates.slice(0, room);
    }
    for (const candidate of candidates) {
      const checked = actionSchema.safeParse(withoutPronoun(candidate, actions.at(-1), options.scene.it));
      if (!checked.success) {
        const issue = checked.error.issues[0];
        return {
          ok: false,
          error: `I could not make sense of "${clause}"${issue ? ` (${[...issue.path, issue.message].join(': ')})` : ''}.`,
          suggestions: ['help'],
        };
      }
      actions.push(checked.data);
    }
    corrections.push(...outcome.corrections);
    previous = outcome.verb;
    previousClause = actions.slice(clauseStart);
  }
  if (actions.length > options.maxActions) return tooMany(clauses, options.maxActions);
  return { ok: true, actions, corrections };
}

const AGAIN = /^(?:again|g|repeat)$/i;

/** Words that stand for the thing the action before named ("take the dagger and wield it"). */
const PRONOUNS = new Set(['it', 'them', 'that', 'this', 'one']);
const THING_FIELDS = ['item', 'target'] as const;

/**
 * The action with "it" read as the thing the previous action of the command named (or, first in a
 * command, the one the player's last action named).
 */
function withoutPronoun(candidate: Record<string, unknown>, previous: Action | undefined, it?: string) {
  const thing = previous ? thingNamed(previous) : it;
  if (thing === undefined) return candidate;
  const read = { ...candidate };
  for (const field of THING_FIELDS) {
    const value = read[field];
    if (typeof value === 'string' && PRONOUNS.has(value.toLowerCase())) read[field] = thing;
  }
  return read;
}

/** The item or target an action names, if any. */
export function thingNamed(action: Action): string | undefined {
  const fields = action as Record<string, unknown>;
  const thing = THING_FIELDS.map((field) => fields[field]).find((value) => typeof value === 'string');
  return typeof thing === 'string' && !PRONOUNS.has(thing.toLowerCase()) ? thing : undefined;
}

function tooMany(clauses: Clause[], maxActions: number): ParsedCommand {
  return {
    ok: false,
    error: `That is more than ${maxActions} actions: at most ${maxActions} in one command.`,
    suggestions: [
      clauses
        .slice(0, maxActions)
        .map((clause) => clause.text)
        .join(', then '),
    ],
  };
}

/** The most NPCs a statement suggests talking to. */
const STATEMENT_LISTENERS = 2;

/**
 * Words that are no command ("my name is Aldric and I come from Millbrook"): the player is offered to
 * say them, or to tell them to someone here, all of them, after the clauses read before them.
 */
function statement(words: string, before: string[], context: ClauseContext): ParsedCommand {
  const ways = [
    `say ${words}`,
    ...(context.has('talk')
      ? context.scene.npcs.slice(0, STATEMENT_LISTENERS).map((npc) => `talk to ${npc}: ${words}`)
      : []),
  ];
  return {
    ok: false,
    error: `"${words}" is no command. To say it aloud, start with "say"; to tell someone here, "talk to <name>: …".`,
    suggestions: [...ways.map((way) => [...before, way].join(', then ')), 'look', 'help'],
  };
}
