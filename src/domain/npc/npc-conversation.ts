import { pick, seededRandom } from '../random.ts';
import { npcsAt, weatherAt, worldTime } from '../world/clock.ts';
import { type LineSituation, linesFor } from '../world/npc-lines.ts';
import type { Location, Npc, World } from '../world/world.ts';
import { happeningLine, type WorldHappening } from './npc-happenings.ts';
import type { ConversationLine } from './npc-life-events.ts';
import {
  answerLines,
  callName,
  firstSentence,
  greetingLine,
  leaveTakingLines,
  mentionName,
} from './npc-voice.ts';

export interface ComposedConversation {
  topic: string;
  lines: ConversationLine[];
}

/** What was said at the place lately: lines not to say again, and whether these two met already. */
export interface TalkLately {
  /** The two NPCs talked at this place a short while ago: they do not greet each other again. */
  met: boolean;
  /** Lines said at this place in its last conversations. */
  said: readonly string[];
}

const NOTHING_LATELY: TalkLately = { met: false, said: [] };

type Knowledge = Npc['knowledge'][number];

/** Topics about the NPC itself ("how I fare", "himself"): answers to a player's question, not talk between NPCs. */
const ABOUT_ONESELF = /\b(I|me|my|myself|himself|herself)\b/i;

/**
 * What two NPCs standing at one place say to each other, 2 to 4 lines in their own voices. Meeting,
 * `a` greets `b` as warmly as it regards `b` (maybe remarking on the weather), `b` brings up something
 * (what happened here lately, else gossip of someone not here, something it knows, or small talk that
 * fits the place and hour), `a` answers (from its own knowledge when it knows the same topic), and `b`
 * may take its leave. Having met a short while ago, they do not greet again: `a` brings something up
 * and `b` answers. A line said here lately is not said again while another is left. The same place,
 * NPCs, time, happening and talk lately always give the same conversation.
 */
export function composeNpcConversation(
  world: World,
  location: Location,
  a: Npc,
  b: Npc,
  at: Date,
  recent?: WorldHappening,
  lately: TalkLately = NOTHING_LATELY,
): ComposedConversation {
  if (a.id === b.id) throw new Error(`an NPC does not converse with itself (${a.id})`);
  const random = seededRandom(`npc-conversation/${location.id}/${a.id}/${b.id}/${at.toISOString()}`);
  const { timeOfDay } = worldTime(world, at);
  const weather = weatherAt(world, location.region, at);
  const setting = location.setting ?? 'outdoors';
  const said = saidLately(world, lately.said);
  const fresh = (texts: string[]) => {
    const unsaid = texts.filter((text) => !said.has(text));
    return unsaid.length > 0 ? unsaid : texts;
  };
  const lines: ConversationLine[] = [];
  if (!lately.met) {
    const greeting = greetingLine(a, b, timeOfDay);
    const weatherWords = capitalise(weather.id.replaceAll('-', ' '));
    const opening =
      random() < 0.5
        ? `${greeting} ${weatherWords} ${setting === 'outdoors' ? 'all about us' : 'out there'}.`
        : greeting;
    lines.push({ npcId: a.id, text: opening });
  }
  // Met already, the first speaker brings the subject up itself.
  const [teller, listener] = lately.met ? [a, b] : [b, a];
  const situation: LineSituation = { locationId: location.id, setting, timeOfDay, weatherId: weather.id };
  const here = new Set(npcsAt(world, location.id, at).map((npc) => npc.id));
  const subject = chooseSubject(world, listener, teller, situation, random, recent, said, here);
  lines.push({ npcId: teller.id, text: subject.text });
  const known = subject.knowledge && sharedKnowledge(listener, subject.knowledge);
  // Not "The elder showed me…" said to the elder.
  const shared = known && !mentions(`${known.topic} ${known.text}`, teller) ? known : undefined;
  const answers = answerLines(listener, teller);
  if (shared)
    answers.unshift(
      `${firstSentence(spokenTo(shared.text, listener, teller))} That's how I see it, ${callName(teller)}.`,
    );
  lines.push({ npcId: listener.id, text: fresh(answers)[0]! });
  // The content's farewells send a player off on the road ("Bring back anything interesting"): to a
  // neighbour the NPC takes its leave in its own manner.
  const farewells = fresh(leaveTakingLines(teller, listener, timeOfDay));
  if (farewells.length > 0 && random() < 0.5) lines.push({ npcId: teller.id, text: pick(random, farewells) });
  return { topic: subject.topic, lines };
}

interface Subject {
  topic: string;
  text: string;
  /** The knowledge entry brought up, when it was one. */
  knowledge?: Knowledge;
}

/**
 * What `b` brings up to `a`. Of its small talk, a line about `a` is not said to `a`'s face, nor one
 * about an NPC standing here; a line about someone not here is gossip.
 */
function chooseSubject(
  world: World,
  a: Npc,
  b: Npc,
  situation: LineSituation,
  random: () => number,
  recent: WorldHappening | undefined,
  said: SaidLately,
  here: ReadonlySet<string>,
): Subject {
  if (recent) {
    const { line } = happeningLine(world, b, recent, false);
    if (!said.has(line)) return { topic: topicOfHappening(world, recent), text: line };
  }
  const unsaid = (text: string) => !said.has(text);
  const mentioned = (line: string) =>
    world.content.npcs.filter((npc) => npc.id !== b.id && mentions(line, npc));
  // Who a line speaks of is read before the listener's name goes in ("Well, friend" → "Well, Brenna").
  const smallTalk = linesFor(b, 'smallTalk', situation)
    .map((line) => ({ about: mentioned(line.text), text: spokenTo(line.text, b, a) }))
    .filter(({ about }) => about.every((npc) => !here.has(npc.id) && npc.id !== a.id));
  const gossip = smallTalk.filter(({ about, text }) => about.length > 0 && unsaid(text));
  const plain = smallTalk
    .filter(({ about, text }) => about.length === 0 && unsaid(text))
    .map(({ text }) => text);
  const known = b.knowledge
    .filter((k) => !ABOUT_ONESELF.test(k.topic))
    .map((knowledge) => ({
      knowledge,
      text: `I've been thinking about ${knowledge.topic}. ${firstSentence(spokenTo(knowledge.text, b, a))}`,
    }))
    // What it knows of the listener is told to players, not to the listener's face.
    .filter(({ knowledge, text }) => unsaid(text) && !mentions(`${knowledge.topic} ${text}`, a));
  const roll = random();
  if (gossip.length > 0 && roll < 0.4) {
    const { about, text } = pick(random, gossip);
    return { topic: callName(about[0]!), text };
  }
  if (known.length > 0 && (roll < 0.8 || plain.length === 0)) {
    const { knowledge, text } = pick(random, known);
    return { topic: knowledge.topic, text, knowledge };
  }
  if (plain.length > 0) return { topic: 'small talk', text: pick(random, plain) };
  if (gossip.length > 0) {
    const { about, text } = pick(random, gossip);
    return { topic: callName(about[0]!), text };
  }
  return {
    topic: 'the weather',
    text: `Not much to tell, ${callName(a)}. The ${situation.weatherId.replaceAll('-', ' ')} again.`,
  };
}

interface SaidLately {
  has(text: string): boolean;
}

/** Lines said lately, known again when said to someone else ("If you say so, Brenna." to Halvard). */
function saidLately(world: World, lines: readonly string[]): SaidLately {
  const names = world.content.npcs
    .map((npc) => callName(npc))
    .sort((x, y) => y.length - x.length)
    .map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const anyName = new RegExp(`\\b(${names.join('|')})\\b`, 'g');
  const plain = (text: string) => text.replace(anyName, '…');
  const said = new Set(lines.map(plain));
  return { has: (text) => said.has(plain(text)) };
}

/**
 * Whether a line speaks of an NPC: by the word others use for it (Old Tom is "Tom"), or by its title
 * or trade ("the elder", "the captain", "the herbalist").
 */
function mentions(line: string, npc: Npc): boolean {
  const name = asPattern(mentionName(npc));
  const titles = titlesOf(npc).map(asPattern);
  const byTitle = titles.length > 0 ? `|\\bthe (${titles.join('|')})\\b` : '';
  return new RegExp(`\\b${name}\\b${byTitle}`, 'i').test(line);
}

/** "Elder Zorathian" is the elder, "Mira the Herbalist" the herbalist (Old Tom is no "old"). */
function titlesOf(npc: Npc): string[] {
  const [called, epithet] = npc.name.split(' the ');
  const words = called!.split(/\s+/);
  const title = words.length > 1 && words[0]!.toLowerCase() !== 'old' ? [words[0]!] : [];
  return [...title, ...(epithet ? [epithet] : [])];
}

const asPattern = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function topicOfHappening(world: World, happening: WorldHappening): string {
  switch (happening.type) {
    case 'QuestCompleted':
      return world.quests.get(happening.questId)?.name ?? 'a quest completed';
    case 'PlayerDefeated':
      return 'a fall';
    case 'EnemyDefeated':
      return `the ${world.enemies.get(happening.enemyId)?.name ?? 'beast'}`;
  }
}

/**
 * A line written for a player, said by `speaker` to another NPC: "{address}" and what the speaker
 * calls a player ("child", "friend") become the listener's name ("Then sit, Old Tom.").
 */
function spokenTo(line: string, speaker: Npc, listener: Npc): string {
  const name = callName(listener);
  const named = line.replaceAll('{address}', name);
  if (speaker.address.length === 0) return named;
  const words = speaker.address.map(asPattern).join('|');
  return named
    .replace(new RegExp(`(,\\s*)(${words})\\b`, 'gi'), `$1${name}`)
    .replace(new RegExp(`(^|[.!?]\\s+)(${words})(?=,)`, 'gi'), `$1${name}`);
}

/** What `npc` knows of the same topic: the same topic name, or a keyword in common. */
function sharedKnowledge(npc: Npc, other: Knowledge): Knowledge | undefined {
  return npc.knowledge.find(
    (k) =>
      !ABOUT_ONESELF.test(k.topic) &&
      (k.topic.toLowerCase() === other.topic.toLowerCase() ||
        k.keywords.some((w) => other.keywords.includes(w))),
  );
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The numbered slot of world time `at` falls in, `everyGameMinutes` long: one conversation per place and slot. */
export function conversationSlot(world: World, at: Date, everyGameMinutes: number): number {
  if (!(everyGameMinutes > 0)) throw new RangeError('everyGameMinutes must be positive');
  const gameMinutes = (at.getTime() / 1000 / world.content.time.secondsPerGameHour) * 60;
  return Math.floor(gameMinutes / everyGameMinutes);
}

/**
 * Which two of the NPCs at a place talk in a slot (the first speaks first), or none when fewer than
 * two are there. Every pair gets its turn over the slots, drawn from the slot's seed.
 */
export function conversationPair(
  world: World,
  locationId: string,
  at: Date,
  slot: number,
): [Npc, Npc] | undefined {
  const here = npcsAt(world, locationId, at);
  if (here.length < 2) return undefined;
  const pairs: [Npc, Npc][] = [];
  for (let i = 0; i < here.length; i++)
    for (let j = i + 1; j < here.length; j++) pairs.push([here[i]!, here[j]!]);
  const [first, second] = pick(seededRandom(`npc-pair/${locationId}/${slot}`), pairs);
  return slot % 2 === 0 ? [first, second] : [second, first];
}
