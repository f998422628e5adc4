import { type Action, actionSchema, isActionType } from '../actions.ts';
import { directionOf, isDiagonal } from './directions.ts';
import { nearestName, type SceneNames } from './scene-names.ts';
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

/** Splits a command into clauses: at "and", "then", commas, semicolons and full stops, never inside a message. */
function splitClauses(text: string, context: ClauseContext, atMost = Number.POSITIVE_INFINITY): string[] {
  const clauses: string[] = [];
  let rest = text.replace(/\s+/g, ' ').trim();
  while (rest && clauses.length < atMost) {
    rest = withoutFiller(rest.replace(/^[\s;,.!]+/, ''));
    if (!rest) break;
    if (rest === '?') {
      clauses.push(rest);
      break;
    }
    const verb = verbAt(words(rest), context)?.verb;
    if (verb?.message || /^["'“‘]/.test(rest)) {
      // A message runs at least to the end of its first word: the loop always moves on.
      const end = Math.max(messageEnd(rest, context), rest.indexOf(' ') + 1 || rest.length);
      clauses.push(rest.slice(0, end).trim());
      rest = rest.slice(end);
      continue;
    }
    const end = CLAUSE_END.exec(rest);
    const clause = end ? rest.slice(0, end.index) : rest;
    const cleaned = clause.replace(TRAILING_FILLER, '').trim();
    clauses.push(cleaned || clause.trim());
    rest = end ? rest.slice(end.index + end[0].length) : '';
  }
  return clauses.filter(Boolean);
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
  | { problem: string; suggestions: string[] };

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
  if (found) return { ...found.verb.build(tokens.slice(found.length), context), verb: found.verb };
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
  if (previous?.repeats) {
    const repeated = previous.build(tokens, context);
    if ('actions' in repeated) return { ...repeated, verb: previous };
  }
  return notUnderstood(tokens, context);
}

function notUnderstood(tokens: string[], context: ClauseContext): ClauseOutcome {
  const [first = '', ...rest] = tokens;
  const tail = rest.join(' ');
  const { scene } = context;
  const typed = tokens.join(' ');
  const suggestions = verbsNear(first, context).map((verb) => `${verb}${tail ? ` ${tail}` : ''}`);
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
  if (suggestions.length === 0)
    suggestions.push('look', ...scene.exits.slice(0, 2).map((way) => `go ${way.direction}`), 'help');
  return {
    problem: `I don't understand "${typed}".`,
    suggestions: [...new Set(suggestions)].slice(0, 4),
  };
}

/** The name among `names` that `typed` names whole or by a word of it ("elder" → Elder Zorathian). */
function findIn(typed: string, names: readonly string[]): string | undefined {
  const wanted = typed.toLowerCase().replace(/^(?:the|a|an)\s+/, '');
  if (wanted.length < 3) return undefined;
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
  if (clauses.length > options.maxActions) return tooMany(clauses, options.maxActions);
  const actions: Action[] = [];
  const corrections: string[] = [];
  let previous: Verb | undefined;
  for (const clause of clauses) {
    const outcome = parseClause(clause, context, previous);
    if ('problem' in outcome) {
      return {
        ok: false,
        error: outcome.problem,
        suggestions: outcome.suggestions.map((suggestion) =>
          clauses.length > 1
            ? clauses.map((c) => (c === clause ? suggestion : c)).join(', then ')
            : suggestion,
        ),
      };
    }
    for (const candidate of outcome.actions) {
      const checked = actionSchema.safeParse(candidate);
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
  }
  if (actions.length > options.maxActions) return tooMany(clauses, options.maxActions);
  return { ok: true, actions, corrections };
}

function tooMany(clauses: string[], maxActions: number): ParsedCommand {
  return {
    ok: false,
    error: `That is more than ${maxActions} actions: at most ${maxActions} in one command.`,
    suggestions: [clauses.slice(0, maxActions).join(', then ')],
  };
}
