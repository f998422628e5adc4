import type { ActionOf } from '../../domain/actions.ts';
import { MAX_RELATIONSHIP_CHANGE, type NpcEmotion } from '../../domain/rules/effects.ts';
import { type LineSituation, linesFor } from '../../domain/world/npc-lines.ts';
import type { Npc, Quest } from '../../domain/world/world.ts';
import type { ActionContext } from '../lane.ts';
import { availableQuests } from './quest-offers.ts';
import { type Intent, readIntent } from './talk/intent.ts';
import { askElsewhereLine, mentionedNpcs, nameWords, opinionOf, whereaboutsOf } from './talk/people.ts';
import { heardLine, recalledFactLine, whoTheyAre } from './talk/player-facts.ts';
import {
  activeHint,
  deliveryCommand,
  deliveryLine,
  mentionsDelivery,
  stepsWithNpc,
} from './talk/quest-talk.ts';
import { alreadySaid, factMemory, type Recollection, recollect } from './talk/recall.ts';
import { allToldLine, type Knowledge, keywordHits, lastTopic, matchTopic, nextLine } from './talk/topics.ts';
import { addressByName, anywhere, capitalise, chooseLine, speaksTo } from './talk/voice.ts';

const MOOD_EMOTION: Record<Npc['personality']['mood'], NpcEmotion> = {
  cheerful: 'happy',
  calm: 'neutral',
  thoughtful: 'thoughtful',
  grumpy: 'annoyed',
  wary: 'wary',
  sad: 'sad',
};

const REBUKES = [
  'Mind your tongue.',
  'I will not be spoken to like that.',
  'Hmph. Come back when you have found your manners.',
];
const OFFERS = [
  'There is something you could do for me.',
  'I have need of someone with a steady hand.',
  'Perhaps you can help me.',
];
/** How many of the topics talked about an NPC names when asked what it remembers. */
const MEMORY_TOPICS = 3;
/** Game hours during which something that happened nearby is still news. */
const NEWS_GAME_HOURS = 12;
/** Below this (someone walking in or out), what happened nearby is not worth telling as news. */
const NEWS_IMPORTANCE = 3;

export interface Reply {
  reply: string;
  emotion: NpcEmotion;
  relationshipChange: number;
  topics: string[];
  memoriesUsed: number;
  /** A quest the NPC offers in this reply. */
  offer?: Quest;
  /** How to do what the NPC asks for (e.g. the command that hands it an item), for the narration. */
  hint?: string;
}

/**
 * An NPC's answer in its own voice, composed from the situation: what the player asks, what it knows
 * and has already told them (the next line of a topic, never the same again), what they told it of
 * themselves, the quest step they are on with it and what they carry, the place and hour, and what
 * happened nearby. The dice only choose among lines that fit equally well.
 */
export function composeReply(
  context: ActionContext,
  npc: Npc,
  action: ActionOf<'talk'>,
  random: () => number,
): Reply {
  const intent = readIntent(action.message);
  const recollection = recollect(context, intent);
  const relationship = context.player.relationships[npc.id] ?? 0;
  const situation: LineSituation = {
    locationId: context.location.id,
    setting: context.location.setting ?? 'outdoors',
    timeOfDay: context.time.timeOfDay,
    weatherId: context.weather.id,
  };
  const name = recollection.facts.name;
  if (name && !intent.told.some((f) => f.kind === 'name')) useFact(context, recollection, 'name');
  const finish = (reply: Omit<Reply, 'memoriesUsed' | 'reply'> & { parts: string[] }): Reply => {
    const { parts, ...rest } = reply;
    return {
      ...rest,
      reply: addressByName(parts.map(capitalise).join(' '), npc, name),
      relationshipChange: clamp(rest.relationshipChange),
      memoriesUsed: recollection.used.size,
    };
  };

  if (intent.rude) {
    return finish({
      parts: [chooseLine(anywhere(REBUKES), recollection, random)!],
      emotion: 'annoyed',
      relationshipChange: -3,
      topics: [],
    });
  }

  const parts: string[] = [];
  const topics: string[] = [];
  let emotion: NpcEmotion = MOOD_EMOTION[npc.personality.mood];
  let change = 1;

  const firstMeeting = recollection.conversations.length === 0 && relationship === 0;
  const greeted = intent.greeting || firstMeeting;
  if (greeted) {
    const greeting =
      relationship < -20
        ? 'What do you want?'
        : chooseLine(linesFor(npc, 'greeting', situation), recollection, random)!;
    parts.push(
      name && !speaksTo(greeting, npc, name) && !intent.told.length ? `${name}. ${greeting}` : greeting,
    );
    if (relationship >= 0) emotion = relationship > 20 ? 'happy' : 'friendly';
  }
  for (const fact of intent.told) {
    const knewIt = recollection.remembered[fact.kind]?.toLowerCase() === fact.value.toLowerCase();
    parts.push(heardLine(npc, fact, recollection, knewIt));
    emotion = 'friendly';
  }

  let answered = false;
  let hint: string | undefined;
  const steps = stepsWithNpc(context, npc);
  const delivery = steps.find((step) => step.item);
  const topic = chooseTopic(context, npc, intent, recollection, steps);
  if (delivery?.carried) {
    const touched =
      greeted ||
      intent.questAsk ||
      mentionsDelivery(delivery, intent.text) ||
      (topic !== undefined && keywordHits(topic, delivery.item!.name.toLowerCase()) > 0);
    const line = deliveryLine(delivery, recollection);
    if (touched || !alreadySaid(recollection, line)) {
      parts.push(line);
      hint = `(${deliveryCommand(delivery, npc)})`;
      topics.push(`quest:${delivery.quest.id}`);
      answered = touched;
    }
  }
  if (!answered && intent.askMemory) {
    parts.push(memoryLine(context, npc, recollection));
    emotion = 'thoughtful';
    answered = true;
  }
  if (!answered && topic) {
    const next = nextLine(npc, topic, recollection, intent.text);
    parts.push(next ? next.line : allToldLine(context, npc, topic, recollection, random));
    topics.push(topic.topic);
    emotion = 'thoughtful';
    change += 1;
    answered = true;
  }
  if (!answered && !topic) {
    const others = mentionedNpcs(context, npc, intent.text);
    for (const other of others) {
      parts.push(opinionOf(context, npc, other, recollection));
      topics.push(other.name);
    }
    answered = others.length > 0;
  }
  if (!answered && intent.askNews) {
    const news = freshHappening(context, recollection);
    if (news) {
      parts.push(news);
      answered = true;
    }
  }

  if (!answered && !intent.questAsk && !intent.greeting && !intent.goOn && !intent.farewell) {
    const elsewhere = askElsewhereLine(context, npc, intent.text, recollection, random);
    if (elsewhere) {
      parts.push(elsewhere);
      answered = true;
    }
  }

  const offers = availableQuests(context, npc);
  let offer: Quest | undefined;
  if (offers.length > 0 && (intent.questAsk || (greeted && !topic))) {
    offer = offers[0]!;
    parts.push(chooseLine(anywhere(npc.offers.length > 0 ? npc.offers : OFFERS), recollection, random)!);
    topics.push(`quest:${offer.id}`);
  } else if (intent.questAsk && !answered) {
    if (delivery && !delivery.carried) {
      parts.push(deliveryLine(delivery, recollection));
    } else {
      const work = activeHint(context, npc);
      parts.push(
        work ? `You already have work to do: ${work}` : noWorkLine(context, npc, recollection, random),
      );
    }
    answered = true;
  }

  // Something to add only where the player opened or made small talk, not after they told who they are.
  if (!answered && !offer && intent.told.length === 0 && !intent.farewell) {
    const recalled = greeted ? recalledFactLine(npc, recollection) : undefined;
    // News opens a talk; in the middle of one it would come up again and again.
    const news = recalled || !greeted ? undefined : freshHappening(context, recollection);
    if (recalled) {
      parts.push(recalled.line);
      useFact(context, recollection, recalled.kind);
    } else if (news) {
      parts.push(news);
    } else if (!greeted) {
      const weatherTalk = intent.weather ? (line: { weather?: boolean }) => line.weather === true : undefined;
      parts.push(chooseLine(linesFor(npc, 'smallTalk', situation), recollection, random, weatherTalk)!);
    }
  }
  if (intent.farewell) {
    const farewell = chooseLine(linesFor(npc, 'farewell', situation), recollection, random);
    if (farewell) parts.push(farewell);
  }
  if (parts.length === 0)
    parts.push(chooseLine(linesFor(npc, 'smallTalk', situation), recollection, random)!);
  if (intent.polite) change += 1;

  return finish({
    parts,
    emotion,
    relationshipChange: change,
    topics,
    ...(offer ? { offer } : {}),
    ...(hint ? { hint } : {}),
  });
}

/**
 * What the words are about among the NPC's topics. A person named outranks a topic unless the topic
 * is about that person; with nothing asked, the player's errand with this NPC (a talk step) picks the
 * topic the errand is about.
 */
function chooseTopic(
  context: ActionContext,
  npc: Npc,
  intent: Intent,
  recollection: Recollection,
  steps: ReturnType<typeof stepsWithNpc>,
): Knowledge | undefined {
  const errand = steps.find((step) => step.step.condition.type === 'talk');
  const errandTopic = () =>
    errand && matchTopic(npc, `${errand.quest.description} ${errand.step.description}`.toLowerCase());
  const people = mentionedNpcs(context, npc, intent.text);
  if (people.length > 0) {
    const words = people.flatMap(nameWords);
    // "The elder sent me": on an errand to this NPC, the one who sent the player is not the question.
    return (
      npc.knowledge.find((k) => k.keywords.some((w) => words.includes(w.toLowerCase()))) ?? errandTopic()
    );
  }
  const asked = matchTopic(npc, intent.text);
  if (asked) return asked;
  if (intent.goOn) return lastTopic(npc, recollection);
  return errandTopic();
}

/** "I remember": who the player said they are and what they asked about, never their words. */
function memoryLine(context: ActionContext, npc: Npc, recollection: Recollection): string {
  const who = whoTheyAre(recollection);
  for (const kind of ['name', 'home', 'calling', 'seeking', 'promise'] as const)
    if (recollection.facts[kind]) useFact(context, recollection, kind);
  const spokenOf = npc.knowledge.filter((k) =>
    recollection.conversations.some((m) => {
      const about =
        (m.npcReply !== undefined &&
          [k.text, ...k.more].some((line) => alreadySaid({ ...recollection, said: [m.npcReply!] }, line))) ||
        (m.playerMessage !== undefined && keywordHits(k, m.playerMessage.toLowerCase()) > 0);
      if (about) recollection.used.add(m);
      return about;
    }),
  );
  const talked =
    spokenOf.length > 0
      ? `We spoke of ${listed(spokenOf.slice(0, MEMORY_TOPICS).map((k) => k.topic))}${spokenOf.length > MEMORY_TOPICS ? ', among other things' : ''}.`
      : recollection.conversations.length > 0
        ? 'We have spoken before, though of nothing that stayed with me.'
        : undefined;
  if (!who && !talked) return 'I remember your face, and little more. Tell me your name, and I will keep it.';
  return [who ?? 'I remember you, though you never told me your name.', talked].filter(Boolean).join(' ');
}

/** Something that happened near the NPC lately and that it has not yet told this player. */
function freshHappening(context: ActionContext, recollection: Recollection): string | undefined {
  const hourMs = context.world.content.time.secondsPerGameHour * 1000;
  const memory = recollection.happenings.find(
    (m) =>
      m.importance >= NEWS_IMPORTANCE &&
      context.at.getTime() - Date.parse(m.createdAt) <= NEWS_GAME_HOURS * hourMs &&
      !alreadySaid(recollection, m.text),
  );
  if (!memory) return undefined;
  recollection.used.add(memory);
  return memory.text;
}

function useFact(
  context: ActionContext,
  recollection: Recollection,
  kind: Parameters<typeof factMemory>[1],
): void {
  const memory = factMemory(context, kind);
  if (memory) recollection.used.add(memory);
}

function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function clamp(change: number): number {
  return Math.max(-MAX_RELATIONSHIP_CHANGE, Math.min(MAX_RELATIONSHIP_CHANGE, change));
}

/** No work from this NPC: who else has some for the player, and where they are at this hour. */
function noWorkLine(
  context: ActionContext,
  npc: Npc,
  recollection: Recollection,
  random: () => number,
): string {
  const giver = context.world.content.npcs.find(
    (other) => other.id !== npc.id && availableQuests(context, other).length > 0,
  );
  if (!giver) return 'I have nothing for you to do just now.';
  const address = npc.address[0] ? `, ${npc.address[0]}` : '';
  const whereabouts = whereaboutsOf(context, npc, giver);
  return chooseLine(
    anywhere([
      `I have nothing for you myself${address}. ${giver.name} might. ${whereabouts}`,
      `Work? Not from me${address}. Try ${giver.name}. ${whereabouts}`,
      `${giver.name} has more need of help than I do${address}. ${whereabouts}`,
    ]),
    recollection,
    random,
  )!;
}
