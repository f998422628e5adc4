import { pick, seededRandom } from '../random.ts';
import { npcsAt, weatherAt, worldTime } from '../world/clock.ts';
import { type LineSituation, linesFor } from '../world/npc-lines.ts';
import type { Location, Npc, World } from '../world/world.ts';
import { happeningLine, type WorldHappening } from './npc-happenings.ts';
import type { ConversationLine } from './npc-life-events.ts';
import { answerLine, callName, firstSentence, greetingLine, mentionName } from './npc-voice.ts';

export interface ComposedConversation {
  topic: string;
  lines: ConversationLine[];
}

type Knowledge = Npc['knowledge'][number];

/** Topics about the NPC itself ("how I fare", "himself"): answers to a player's question, not talk between NPCs. */
const ABOUT_ONESELF = /\b(I|me|my|myself|himself|herself)\b/i;

/**
 * What two NPCs standing at one place say to each other, 2 to 4 lines in their own voices: `a` greets
 * `b` as warmly as it regards `b` (maybe remarking on the weather), `b` brings up something (what
 * happened here lately, else a line of its own about `a`, something it knows, or small talk that fits
 * the place and hour), `a` answers (from its own knowledge when it knows the same topic), and `b` may
 * take its leave. The same place, NPCs, time and happening always give the same conversation.
 */
export function composeNpcConversation(
  world: World,
  location: Location,
  a: Npc,
  b: Npc,
  at: Date,
  recent?: WorldHappening,
): ComposedConversation {
  if (a.id === b.id) throw new Error(`an NPC does not converse with itself (${a.id})`);
  const random = seededRandom(`npc-conversation/${location.id}/${a.id}/${b.id}/${at.toISOString()}`);
  const { timeOfDay } = worldTime(world, at);
  const weather = weatherAt(world, location.region, at);
  const setting = location.setting ?? 'outdoors';
  const greeting = greetingLine(a, b, timeOfDay);
  const weatherWords = capitalise(weather.id.replaceAll('-', ' '));
  const opening =
    random() < 0.5
      ? `${greeting} ${weatherWords} ${setting === 'outdoors' ? 'all about us' : 'out there'}.`
      : greeting;
  const lines: ConversationLine[] = [{ npcId: a.id, text: opening }];

  const situation: LineSituation = { locationId: location.id, setting, timeOfDay, weatherId: weather.id };
  const subject = chooseSubject(world, a, b, situation, random, recent);
  lines.push({ npcId: b.id, text: subject.text });
  const shared = subject.knowledge && sharedKnowledge(a, subject.knowledge);
  lines.push({
    npcId: a.id,
    text: shared
      ? `${firstSentence(spokenTo(shared.text, b))} That's how I see it, ${callName(b)}.`
      : answerLine(a, b),
  });
  const farewells = linesFor(b, 'farewell', situation).map((line) => line.text);
  if (farewells.length > 0 && random() < 0.5)
    lines.push({ npcId: b.id, text: spokenTo(pick(random, farewells), a) });
  return { topic: subject.topic, lines };
}

interface Subject {
  topic: string;
  text: string;
  /** The knowledge entry brought up, when it was one. */
  knowledge?: Knowledge;
}

function chooseSubject(
  world: World,
  a: Npc,
  b: Npc,
  situation: LineSituation,
  random: () => number,
  recent: WorldHappening | undefined,
): Subject {
  if (recent) {
    const { line } = happeningLine(world, b, recent, false);
    return { topic: topicOfHappening(world, recent), text: line };
  }
  const smallTalk = linesFor(b, 'smallTalk', situation).map((line) => line.text);
  const aName = mentionName(a);
  const mentioned = new RegExp(`\\b${aName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`);
  const aboutA = smallTalk.filter((line) => mentioned.test(line));
  const roll = random();
  if (aboutA.length > 0 && roll < 0.4) return { topic: callName(a), text: spokenTo(pick(random, aboutA), a) };
  const known = b.knowledge.filter((k) => !ABOUT_ONESELF.test(k.topic));
  if (known.length > 0 && (roll < 0.8 || smallTalk.length === 0)) {
    const knowledge = pick(random, known);
    const said = firstSentence(spokenTo(knowledge.text, a));
    return {
      topic: knowledge.topic,
      text: `I've been thinking about ${knowledge.topic}. ${said}`,
      knowledge,
    };
  }
  if (smallTalk.length > 0) return { topic: 'small talk', text: spokenTo(pick(random, smallTalk), a) };
  return {
    topic: 'the weather',
    text: `Not much to tell, ${callName(a)}. The ${situation.weatherId.replaceAll('-', ' ')} again.`,
  };
}

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

/** A line written for a player, said to another NPC: "{address}" is the listener's name. */
function spokenTo(line: string, listener: Npc): string {
  return line.replaceAll('{address}', callName(listener));
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
