import type { ActionOf } from '../../domain/actions.ts';
import { MAX_TOLD_PER_TALK, toldKeysRefusal } from '../../domain/npc/told-lines.ts';
import { MAX_RELATIONSHIP_CHANGE, type NpcEmotion } from '../../domain/rules/effects.ts';
import { type LineSituation, linesFor } from '../../domain/world/npc-lines.ts';
import type { Npc, Quest } from '../../domain/world/world.ts';
import type { ActionContext } from '../lane.ts';
import { availableQuests } from './quest-offers.ts';
import { carriedNames, chooseTopic, noticeCarried } from './talk/choose-topic.ts';
import { type Intent, readIntent } from './talk/intent.ts';
import { askElsewhereLine, mentionedNpcs, opinionOf } from './talk/people.ts';
import { askedFactLine, heardLine, recalledFactLine } from './talk/player-facts.ts';
import {
  activeHint,
  deliveryCommand,
  deliveryLine,
  mentionsDelivery,
  noWorkLine,
  type QuestHints,
  questHintsNow,
  stepsWithNpc,
  toldOfDelivery,
} from './talk/quest-talk.ts';
import { type Recollection, recollect } from './talk/recall.ts';
import { freshHappening, memoryLine, quietLine, talkWithLine, useFact } from './talk/remembering.ts';
import { asThingsAreNow } from './talk/things-now.ts';
import { allToldLine, type Knowledge, keywordHits, nameWords, nextLine } from './talk/topics.ts';
import { addressByName, anywhere, capitalise, chooseLine, speaksTo } from './talk/voice.ts';
import { woundedLine } from './talk/wounds.ts';

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
  /** Keys of the content lines this reply tells (so the NPC does not tell them to this player again). */
  told: string[];
}

/**
 * An NPC's answer in its own voice, composed from the situation: what the player asks, what it knows
 * and has already told them (the next line of a topic, never the same again), what they told it of
 * themselves, the quest step they are on with it and what they carry, the place and hour, and what
 * happened nearby. The dice only choose among lines that fit equally well.
 */
export async function composeReply(
  context: ActionContext,
  npc: Npc,
  action: ActionOf<'talk'>,
  random: () => number,
): Promise<Reply> {
  const intent = readIntent(action.message);
  const recollection = recollect(context, npc, intent);
  const relationship = context.player.relationships[npc.id] ?? 0;
  const name = recollection.facts.name;
  if (name && !intent.told.some((f) => f.kind === 'name')) useFact(context, recollection, 'name');
  const turn: Turn = {
    context,
    npc,
    intent,
    recollection,
    random,
    relationship,
    name,
    hints: await questHintsNow(context),
    // A first meeting opens with a greeting, whatever the player said.
    // A first meeting opens with a greeting, unless the player's first words are a goodbye.
    greeted:
      intent.greeting || (!intent.farewell && recollection.conversations.length === 0 && relationship === 0),
    situation: {
      locationId: context.location.id,
      setting: context.location.setting ?? 'outdoors',
      timeOfDay: context.time.timeOfDay,
      weatherId: context.weather.id,
    },
  };
  const draft: Draft = {
    parts: [],
    topics: [],
    emotion: MOOD_EMOTION[npc.personality.mood],
    change: 1,
    answered: false,
  };
  if (intent.rude) {
    draft.parts.push(chooseLine(anywhere(REBUKES, 'rebuke'), recollection, random)!);
    return finish(turn, { ...draft, emotion: 'annoyed', change: -3 });
  }
  open(turn, draft);
  answer(turn, draft);
  if (draft.topicLine)
    draft.parts.splice(
      draft.parts.indexOf(draft.topicLine) + 1,
      0,
      ...(await asThingsAreNow(context, draft.topicLine)),
    );
  questTalk(turn, draft);
  carryOn(turn, draft);
  close(turn, draft);
  return finish(turn, draft);
}

/** What one talk is about: who speaks, to whom, what was said, and where and when. */
interface Turn {
  context: ActionContext;
  npc: Npc;
  intent: Intent;
  recollection: Recollection;
  random: () => number;
  relationship: number;
  /** The name the player gave, if any. */
  name: string | undefined;
  /** The player's quest hints as the world is now. */
  hints: QuestHints;
  greeted: boolean;
  situation: LineSituation;
}

/** The reply as it is being put together. */
interface Draft {
  parts: string[];
  topics: string[];
  emotion: NpcEmotion;
  change: number;
  /** Whether the player's words have had their answer. */
  answered: boolean;
  topic?: Knowledge | undefined;
  /** The topic's line told in this reply. */
  topicLine?: string;
  offer?: Quest;
  hint?: string;
}

/** A greeting (fitting the place, hour and weather) and what the NPC makes of who the player says they are. */
function open(turn: Turn, draft: Draft): void {
  const { npc, intent, recollection, random, relationship, name } = turn;
  if (turn.greeted) {
    const greeting =
      relationship < -20 ? 'What do you want?' : chooseLine(greetings(turn), recollection, random)!;
    const named = name && !speaksTo(greeting, npc, name) && intent.told.length === 0;
    draft.parts.push(named ? `${name}. ${greeting}` : greeting);
    const hurt = woundedLine(turn.context, npc);
    if (hurt) draft.parts.push(hurt);
    if (relationship >= 0) draft.emotion = relationship > 20 ? 'happy' : 'friendly';
  }
  for (const fact of intent.told) {
    const knewIt = recollection.remembered[fact.kind]?.toLowerCase() === fact.value.toLowerCase();
    draft.parts.push(heardLine(npc, fact, recollection, knewIt));
    draft.emotion = 'friendly';
  }
}

/** Greetings for someone met before ("Back again?", "You again."), not said to a stranger. */
const GREETS_AN_ACQUAINTANCE = /\b(again|look who it is|it's you)\b/i;

/** The greetings that fit the place, hour and weather, and whether the NPC has met the player. */
function greetings(turn: Turn): ReturnType<typeof linesFor> {
  const { recollection } = turn;
  const all = linesFor(turn.npc, 'greeting', turn.situation);
  const metBefore = recollection.conversations.length > 0 || recollection.toldBefore.length > 0;
  if (metBefore) return all;
  const forStrangers = all.filter((line) => !GREETS_AN_ACQUAINTANCE.test(line.text));
  return forStrangers.length > 0 ? forStrangers : all;
}

/**
 * The answer to what the player asked, the first that applies: the item the NPC waits for (when they
 * carry it), what it remembers of them, the next line of the topic, what it thinks of the people
 * named, the news, or who else knows of it.
 */
function answer(turn: Turn, draft: Draft): void {
  const { context, npc, intent, recollection, random, hints } = turn;
  const steps = stepsWithNpc(context, npc);
  const delivery = steps.find((step) => step.item?.id && step.carried);
  draft.topic = chooseTopic(context, npc, intent, recollection, steps);
  if (delivery) {
    const touched =
      turn.greeted ||
      intent.questAsk ||
      mentionsDelivery(delivery, intent.text) ||
      (draft.topic !== undefined && keywordHits(draft.topic, delivery.item!.name.toLowerCase()) > 0);
    // Asked about it, or not yet said: "give it to me".
    if (touched || !toldOfDelivery(delivery, recollection, hints)) {
      draft.parts.push(deliveryLine(delivery, recollection, hints));
      draft.hint = `(${deliveryCommand(delivery, npc)})`;
      draft.topics.push(`quest:${delivery.quest.id}`);
      draft.answered = touched;
    }
  }
  if (draft.answered) return;
  if (intent.askFact) {
    draft.parts.push(askedFactLine(intent.askFact, recollection));
    useFact(context, recollection, intent.askFact);
    draft.emotion = 'thoughtful';
    draft.answered = true;
  } else if (talkedWith(turn, draft)) {
    const other = talkedWith(turn, draft)!;
    draft.parts.push(
      talkWithLine(recollection, other) ??
        `${other.name} and I have not talked of late; there is nothing of it I could tell you.`,
    );
    draft.topics.push(other.name);
    draft.emotion = 'thoughtful';
    draft.answered = true;
  } else if (intent.askMemory) {
    draft.parts.push(memoryLine(context, npc, recollection));
    draft.emotion = 'thoughtful';
    draft.answered = true;
  } else if (draft.topic) {
    const next = nextLine(npc, draft.topic, recollection, intent.text, carriedNames(context));
    if (next?.carriedItem) draft.parts.push(`You carry the ${next.carriedItem} already, I see.`);
    else {
      const noticed = noticeCarried(context, recollection, draft.topic);
      if (noticed) draft.parts.push(noticed);
    }
    if (next) draft.topicLine = next.line;
    draft.parts.push(next ? next.line : allToldLine(context, npc, draft.topic, recollection, random));
    draft.topics.push(draft.topic.topic);
    draft.emotion = 'thoughtful';
    draft.change += 1;
    draft.answered = true;
  } else {
    const others = mentionedNpcs(context, npc, intent.aboutOthers);
    for (const other of others) {
      draft.parts.push(opinionOf(context, npc, other, recollection));
      draft.topics.push(other.name);
    }
    draft.answered = others.length > 0;
  }
  const news = !draft.answered && intent.askNews ? freshHappening(context, recollection, true) : undefined;
  if (news) {
    draft.parts.push(news);
    draft.answered = true;
  } else if (!draft.answered && intent.askNews) {
    // Then small talk, as one does when there is nothing to tell.
    draft.parts.push(quietLine(context, recollection));
  }
  if (!draft.answered && !intent.questAsk && !intent.greeting && !intent.goOn && !intent.farewell) {
    const elsewhere = askElsewhereLine(context, npc, intent.text, recollection, random);
    if (elsewhere) {
      draft.parts.push(elsewhere);
      draft.answered = true;
    }
  }
}

/**
 * The NPC the player asks this one about a talk with ("what did you and Old Tom talk about?"): when it
 * remembers one, or when the words name no topic it could answer instead ("did the elder tell you of
 * the prophecy?" with no such talk remembered is a question about the prophecy).
 */
function talkedWith(turn: Turn, draft: Draft): Npc | undefined {
  const { context, npc, intent, recollection } = turn;
  if (!intent.askTalkWith) return undefined;
  const other = mentionedNpcs(context, npc, intent.aboutOthers)[0];
  if (!other) return undefined;
  const topicAsked =
    draft.topic !== undefined &&
    !draft.topic.keywords.some((k) => nameWords(other).includes(k.toLowerCase()));
  return talkWithLine({ ...recollection, used: new Set() }, other) !== undefined || !topicAsked
    ? other
    : undefined;
}

/** A quest to offer (asked for work, or greeted with nothing asked), else the work already in hand. */
function questTalk(turn: Turn, draft: Draft): void {
  const { context, npc, intent, recollection, random, hints } = turn;
  const offers = availableQuests(context, npc);
  if (offers.length > 0 && (intent.questAsk || (turn.greeted && !draft.topic))) {
    draft.offer = offers[0]!;
    draft.parts.push(
      chooseLine(anywhere(npc.offers.length > 0 ? npc.offers : OFFERS, 'offer'), recollection, random)!,
    );
    draft.topics.push(`quest:${draft.offer.id}`);
    return;
  }
  if (!intent.questAsk || draft.answered) return;
  const waiting = stepsWithNpc(context, npc).find((step) => step.item && !step.carried);
  const work = activeHint(context, npc, hints);
  draft.parts.push(
    waiting
      ? deliveryLine(waiting, recollection, hints)
      : work
        ? `You already have work to do: ${work}`
        : noWorkLine(context, npc, recollection, random),
  );
  draft.answered = true;
}

/**
 * With nothing asked that the NPC could answer: on a greeting, something the player told before
 * (their home, their promise) or the news; otherwise small talk that fits the place, hour and weather.
 * Nothing is added after the player told who they are, nor before a goodbye.
 */
function carryOn(turn: Turn, draft: Draft): void {
  const { context, npc, intent, recollection, random } = turn;
  if (draft.answered || draft.offer || intent.told.length > 0 || intent.farewell) return;
  if (turn.greeted) {
    const recalled = recalledFactLine(npc, recollection);
    if (recalled) {
      draft.parts.push(recalled.line);
      useFact(context, recollection, recalled.kind);
      return;
    }
    // News opens a talk; in the middle of one it would come up again and again.
    const news = freshHappening(context, recollection);
    if (news) draft.parts.push(news);
    return;
  }
  const weatherTalk = intent.weather ? (line: { weather: boolean }) => line.weather : undefined;
  draft.parts.push(
    chooseLine(linesFor(npc, 'smallTalk', turn.situation), recollection, random, weatherTalk)!,
  );
}

/** A goodbye that fits the hour and place, when the player takes their leave. */
function close(turn: Turn, draft: Draft): void {
  const { npc, intent, recollection, random } = turn;
  if (intent.farewell) {
    const farewell = chooseLine(linesFor(npc, 'farewell', turn.situation), recollection, random);
    if (farewell) draft.parts.push(farewell);
  }
  if (draft.parts.length === 0)
    draft.parts.push(chooseLine(linesFor(npc, 'smallTalk', turn.situation), recollection, random)!);
  if (intent.polite) draft.change += 1;
}

function finish(turn: Turn, draft: Draft): Reply {
  return {
    // The player's name where the NPC would say "child" or "friend".
    reply: addressByName(draft.parts.map(capitalise).join(' '), turn.npc, turn.name),
    emotion: draft.emotion,
    relationshipChange: Math.max(-MAX_RELATIONSHIP_CHANGE, Math.min(MAX_RELATIONSHIP_CHANGE, draft.change)),
    topics: draft.topics,
    memoriesUsed: turn.recollection.used.size,
    ...(draft.offer ? { offer: draft.offer } : {}),
    ...(draft.hint ? { hint: draft.hint } : {}),
    // Only keys the rules accept: one odd key must not cost the player their whole talk.
    told: turn.recollection.tellingNow
      .filter((key) => toldKeysRefusal([key]) === undefined)
      .slice(0, MAX_TOLD_PER_TALK),
  };
}
