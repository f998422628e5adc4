import { withArticle } from '../../domain/world/grammar.ts';
import type { PlayerFact, RecalledMemory } from '../lane.ts';
import { neutralise } from './player-text.ts';

export interface HistoryOptions {
  /** How many of the most recent memories are quoted word for word. */
  verbatim: number;
  /** The longest the whole text may be. */
  budgetChars: number;
  /** Whether the newest quoted talk also says what the NPC answered then: the last exchange, whole. */
  lastReply?: boolean;
}

const MAX_QUOTE = 200;
const MAX_FACT = 60;
const MAX_TOPICS = 8;
const STOP_WORDS = new Set(
  (
    'about above after again also been before being could does doing down from have here into just ' +
    'know like make many more most much must only other over said same should some such than that ' +
    'their them then there these they this those through very want were what when where which while ' +
    'will with would your yours tell please thanks hello'
  ).split(' '),
);

/** At most this share of the budget goes to what the NPC saw and thought, before the talks are told. */
const SEEN_SHARE = 1 / 3;

/**
 * What an NPC remembers, for a prompt, within the budget: first what the player told it about
 * themselves (one line of facts, never their words), then its talks with the player (below), then
 * what it saw happen and came to think (observations and reflections, newest first, as the game
 * worded them), in the room the talks leave and at most a third of the budget.
 */
export function compressHistory(memories: readonly RecalledMemory[], options: HistoryOptions): string {
  const kindOf = (memory: RecalledMemory) => memory.kind ?? 'conversation';
  const facts = factsLine(memories.filter((m) => kindOf(m) === 'fact'));
  const seen = memories
    .filter((m) => kindOf(m) === 'observation' || kindOf(m) === 'reflection')
    .sort((a, b) => time(b) - time(a))
    .map(seenLine);
  const factsText = facts && facts.length <= options.budgetChars ? facts : '';
  let room = options.budgetChars - (factsText ? factsText.length + 1 : 0);
  const seenReserved = Math.min(
    seen.reduce((sum, line) => sum + line.length + 1, 0),
    Math.floor(options.budgetChars * SEEN_SHARE),
  );
  const talks = compressTalks(
    memories.filter((m) => kindOf(m) === 'conversation'),
    { ...options, budgetChars: Math.max(0, room - seenReserved) },
  );
  room -= talks ? talks.length + 1 : 0;
  const seenText: string[] = [];
  for (const line of seen) {
    if (line.length + 1 > room) continue;
    seenText.push(line);
    room -= line.length + 1;
  }
  return [factsText, talks, ...seenText].filter((part) => part !== '').join('\n');
}

const FACT_LABELS = {
  name: 'their name is',
  home: 'they come from',
  calling: 'they are',
  promise: 'they promised to',
  seeking: 'they are looking for',
} as const;

/** "- They told you: their name is Aldric; they come from Millbrook; they promised to find your ring". */
function factsLine(facts: readonly RecalledMemory[]): string | undefined {
  const told = facts.flatMap((memory) =>
    memory.fact ? [`${FACT_LABELS[memory.fact.kind]} ${factValue(memory.fact)}`] : [],
  );
  return told.length > 0 ? `- They told you: ${[...new Set(told)].join('; ')}` : undefined;
}

function factValue(fact: PlayerFact): string {
  const value = neutralise(fact.value, MAX_FACT);
  return fact.kind === 'calling' ? withArticle(value) : value;
}

function seenLine(memory: RecalledMemory): string {
  const what = memory.kind === 'reflection' ? 'you came to think' : 'you saw';
  return `- ${when(memory)}, ${what}: ${neutralise(memory.text, MAX_QUOTE)}`;
}

/**
 * The talks with the player: the `verbatim` most recent quoted (player text neutralised), everything
 * older in one summary line of counts and key words, within the budget. To fit, the summary first
 * loses key words, then the oldest quotes fall into it; the summary itself (which at least tells how
 * often they talked) goes only when nothing else is left.
 */
function compressTalks(memories: readonly RecalledMemory[], options: HistoryOptions): string {
  const newestFirst = [...memories].sort((a, b) => time(b) - time(a));
  const lines = newestFirst.map((memory, i) => quoteLine(memory, options.lastReply === true && i === 0));
  for (let quoted = Math.min(options.verbatim, newestFirst.length); quoted >= 0; quoted--) {
    const quotes = lines.slice(0, quoted).reverse();
    const older = newestFirst.slice(quoted);
    const used = quotes.reduce((sum, line) => sum + line.length, 0) + quotes.length;
    const summary = older.length > 0 ? summaryLine(older, options.budgetChars - used) : undefined;
    if (older.length > 0 && !summary && quoted > 0) continue;
    const text = [...(summary ? [summary] : []), ...quotes].join('\n');
    if (text.length <= options.budgetChars) return text;
  }
  return '';
}

function quoteLine(memory: RecalledMemory, withReply = false): string {
  const said = `- ${when(memory)}: they said "${neutralise(memory.playerMessage ?? memory.text, MAX_QUOTE)}"`;
  return withReply && memory.npcReply
    ? `${said}; you answered "${neutralise(memory.npcReply, MAX_QUOTE)}"`
    : said;
}

/** "- Earlier (4 talks, 2024-05-01 to 2024-05-03), about: well, dragon, prophecy", shortened to fit. */
function summaryLine(memories: RecalledMemory[], room: number): string | undefined {
  const days = memories.map((m) => when(m).slice(0, 10)).sort();
  const span = days[0] === days.at(-1) ? days[0] : `${days[0]} to ${days.at(-1)}`;
  const base = `- Earlier (${memories.length} ${memories.length === 1 ? 'talk' : 'talks'}, ${span})`;
  const topics = keyWords(memories);
  for (let count = topics.length; count >= 0; count--) {
    const line = count > 0 ? `${base}, about: ${topics.slice(0, count).join(', ')}` : base;
    if (line.length <= room) return line;
  }
  return undefined;
}

/** The most frequent words of some length, weighted by importance: what the talks were about. */
function keyWords(memories: RecalledMemory[]): string[] {
  const scores = new Map<string, number>();
  for (const memory of memories) {
    const words = new Set(
      neutralise(memory.playerMessage ?? memory.text)
        .toLowerCase()
        .match(/[a-z][a-z'-]{3,}/g) ?? [],
    );
    for (const word of words) {
      if (STOP_WORDS.has(word)) continue;
      scores.set(word, (scores.get(word) ?? 0) + 1 + Math.max(0, memory.importance) / 10);
    }
  }
  return [...scores.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_TOPICS)
    .map(([word]) => word);
}

function time(memory: RecalledMemory): number {
  const parsed = Date.parse(memory.createdAt);
  return Number.isNaN(parsed) ? 0 : parsed;
}

/** "2024-05-01 14:03" from an ISO timestamp; whatever was stored if it is not one. */
function when(memory: RecalledMemory): string {
  const parsed = time(memory);
  return parsed === 0
    ? neutralise(memory.createdAt, 20)
    : new Date(parsed).toISOString().slice(0, 16).replace('T', ' ');
}
