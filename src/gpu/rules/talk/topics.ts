import { npcLocationAt } from '../../../domain/world/clock.ts';
import { type Pronoun, pronounOf } from '../../../domain/world/grammar.ts';
import { knowledgeKey, knowledgeLines } from '../../../domain/world/npc-lines.ts';
import type { Npc } from '../../../domain/world/world.ts';
import type { ActionContext } from '../../lane.ts';
import { hasTold, lineMark, memoryThatSaid, type Recollection, tell } from './recall.ts';
import { anywhere, chooseLine, fill } from './voice.ts';

export type Knowledge = Npc['knowledge'][number];

/**
 * How strongly the words name a topic: 2 for each keyword said as a whole word, 1 for a keyword said
 * in a longer form ("star" in "starlight"), so that "stars" finds the charts before the star's prophecy.
 */
export function keywordHits(entry: Knowledge, text: string): number {
  return entry.keywords.reduce((score, k) => {
    const word = escapeRegExp(k.toLowerCase());
    if (new RegExp(`\\b${word}\\b`).test(text)) return score + 2;
    return new RegExp(`\\b${word}`).test(text) ? score + 1 : score;
  }, 0);
}

/** The topic the words are most about, if any. */
export function matchTopic(npc: Npc, text: string): Knowledge | undefined {
  return npc.knowledge
    .map((entry) => ({ entry, hits: keywordHits(entry, text) }))
    .filter((k) => k.hits > 0)
    .sort((a, b) => b.hits - a.hits)[0]?.entry;
}

/** The topic of the NPC's latest answer to this player, for "go on" and "tell me more". */
export function lastTopic(npc: Npc, recollection: Recollection): Knowledge | undefined {
  const lastKnowledge = recollection.toldBefore.findLast((key) => key.startsWith('knowledge:'));
  const told = npc.knowledge.find((entry) =>
    knowledgeLines(entry).some((_, i) => knowledgeKey(entry, i) === lastKnowledge),
  );
  if (told) return told;
  for (const memory of recollection.conversations) {
    const reply = memory.npcReply;
    if (!reply) continue;
    const entry = npc.knowledge.find((k) => knowledgeLines(k).some((line) => reply.includes(lineMark(line))));
    if (entry) {
      recollection.used.add(memory);
      return entry;
    }
  }
  return undefined;
}

/**
 * The next line of a topic for this player. Lines are told in turn, deeper each time: the one after
 * the deepest line they were told (found in the NPC's remembered answers; where an old memory lacks
 * the answer, each earlier question on the topic counts as one line told). A question that names
 * what a line is about ("who swore the oath?") gets that line, if not yet told. Undefined once every
 * line has been told.
 */
export function nextLine(
  npc: Npc,
  entry: Knowledge,
  recollection: Recollection,
  text: string,
  carried: readonly string[] = [],
): { line: string; index: number; carriedItem?: string } | undefined {
  const lines = knowledgeLines(entry);
  const told = new Set<number>();
  lines.forEach((line, i) => {
    if (!hasTold(recollection, line, knowledgeKey(entry, i))) return;
    told.add(i);
    const memory = memoryThatSaid(recollection, line);
    if (memory) recollection.used.add(memory);
  });
  const askedWithoutAnswer = recollection.conversations.filter(
    (m) => !m.npcReply && m.playerMessage && keywordHits(entry, m.playerMessage.toLowerCase()) > 0,
  );
  for (const memory of askedWithoutAnswer) recollection.used.add(memory);
  const deepest = Math.max(-1, ...told, askedWithoutAnswer.length - 1);
  const untold = lines.map((_, i) => i).filter((i) => !told.has(i) && i > askedWithoutAnswer.length - 1);
  // The player's words choose the line: a word the NPC seldom uses (the "Wanderer") more than one it
  // often does (the "light"), and the topic's own keywords ("crypt", "wight") half as much, as they
  // chose the topic already.
  const keywords = new Set(entry.keywords.flatMap((k) => stemsIn(k)));
  const asked = new Set(stemsIn(text));
  const usage = stemUsage(npc);
  const scored = untold
    .map((i) => ({
      i,
      score: [...new Set(stemsIn(lines[i]!))]
        .filter((stem) => asked.has(stem))
        .reduce((sum, stem) => sum + (keywords.has(stem) ? 0.5 : 1) / (usage.get(stem) ?? 1), 0),
    }))
    .filter((l) => l.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i);
  // Lines skipped by an earlier question come after the deepest, before the NPC says it has told all.
  const index = scored[0]?.i ?? untold.find((i) => i > deepest) ?? untold[0];
  if (index === undefined) return undefined;
  // A line that points the player to an item they already carry ("there's a dagger on the rack, take
  // it") is passed over for the next: the NPC sees it on them, and says so.
  const carriedItem = carried.find((name) => lines[index]!.toLowerCase().includes(name));
  const instead = carriedItem
    ? untold.find((i) => i !== index && !carried.some((name) => lines[i]!.toLowerCase().includes(name)))
    : undefined;
  if (carriedItem && instead !== undefined) {
    tell(recollection, knowledgeKey(entry, index));
    tell(recollection, knowledgeKey(entry, instead));
    return { line: lines[instead]!, index: instead, carriedItem };
  }
  tell(recollection, knowledgeKey(entry, index));
  return { line: lines[index]!, index };
}

const COMMON_WORDS = new Set(
  'about after again also been before come could does doing done from have here into just know like more much must over really said some tell than that their them then there these they thing this those very what when where which while with would your yours elder please the you are and for but not who how why was his her its our any can did has had all one out see say way yes'.split(
    ' ',
  ),
);

const usageByNpc = new WeakMap<Npc, Map<string, number>>();

/** In how many of the NPC's knowledge lines each word stem occurs. */
function stemUsage(npc: Npc): Map<string, number> {
  let usage = usageByNpc.get(npc);
  if (!usage) {
    usage = new Map();
    for (const line of npc.knowledge.flatMap(knowledgeLines))
      for (const stem of new Set(stemsIn(line))) usage.set(stem, (usage.get(stem) ?? 0) + 1);
    usageByNpc.set(npc, usage);
  }
  return usage;
}

function stemsIn(text: string): string[] {
  return (text.toLowerCase().match(/[a-z]+/g) ?? [])
    .filter((word) => word.length >= 3 && !COMMON_WORDS.has(word))
    .map(stemOf);
}

/** A crude stem: the first five letters ("sworn" and "swore", "carrying" and "carry" meet). */
function stemOf(word: string): string {
  return word.slice(0, 5);
}

const POINTERS = [
  '{name} knows more of it than I do; at this hour you will find {them} at {place}.',
  'Ask {name}. {They} can be found at {place} just now.',
  'If you want more, go to {place} and ask {name}.',
];

/**
 * What the NPC says once it has told all it knows of a topic: that it has, in its own words, and who
 * else knows of it and where they are at this hour.
 */
export function allToldLine(
  context: ActionContext,
  npc: Npc,
  entry: Knowledge,
  recollection: Recollection,
  random: () => number,
): string {
  const told = chooseLine(
    anywhere(npc.allTold.length > 0 ? npc.allTold : ['That is all I know of {topic}.'], 'allTold'),
    recollection,
    random,
  )!;
  const parts = [fill(told, { topic: entry.topic })];
  const other = whoElseKnows(context, npc, entry);
  if (other) {
    const location = context.world.locations.get(npcLocationAt(other, context.time.hourOfDay));
    const place = location && placePhrase(context, location.name);
    const pronoun = pronounOf(other);
    const pointers = anywhere(
      POINTERS.map((p) => fillPointer(p, other, place, pronoun)),
      'pointer',
    );
    parts.push(chooseLine(pointers, recollection, random)!);
  }
  return parts.join(' ');
}

function fillPointer(template: string, other: Npc, place: string | undefined, pronoun: Pronoun): string {
  return fill(template, {
    name: other.name,
    them: pronoun.them,
    They: pronoun.They,
    place: place ?? 'home',
  });
}

/** Topics an NPC keeps about itself ("myself", "my days", "how I fare"): no one else tells them. */
export const OWN_TOPIC = /^(my|myself|how i)\b/i;

const TITLE_WORDS = new Set(['the', 'old', 'of']);

export function nameWords(npc: Npc): string[] {
  return npc.name
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word.length >= 3 && !TITLE_WORDS.has(word));
}

/**
 * Another NPC who knows of the same topic (a keyword in common), the one who knows most first. Of
 * an NPC's topic about itself, the one who has a topic about it by name (Old Tom's "Corwen"), never
 * one who merely has a topic about themselves too.
 */
function whoElseKnows(context: ActionContext, npc: Npc, entry: Knowledge): Npc | undefined {
  const words = OWN_TOPIC.test(entry.topic) ? nameWords(npc) : entry.keywords;
  return context.world.content.npcs
    .filter((other) => other.id !== npc.id)
    .map((other) => ({
      other,
      shared: Math.max(
        0,
        ...other.knowledge
          .filter((k) => !OWN_TOPIC.test(k.topic))
          .map((k) => k.keywords.filter((w) => words.includes(w)).length),
      ),
    }))
    .filter((o) => o.shared > 0)
    .sort((a, b) => b.shared - a.shared)[0]?.other;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const TITLES = new Set(['Elder', 'Captain', 'Old']);

/** A place's name as said in a sentence: "the Village Square", "the Sleeping Drake Tavern", "Mira's Cottage". */
export function placePhrase(context: ActionContext, name: string): string {
  if (name.startsWith('The ')) return `the ${name.slice(4)}`;
  const owner = name.split(/'s\b/)[0]!;
  // "Mira's Cottage" is hers by name; "the Hermit's Shelter" and "the Elder's Hut" go by a title.
  const named = context.world.content.npcs.some(
    (npc) => npc.name.split(' ').find((word) => !TITLES.has(word)) === owner,
  );
  return name.includes("'s ") && named ? name : `the ${name}`;
}
