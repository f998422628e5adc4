import { toldKeyPart } from '../../../domain/npc/told-lines.ts';
import { knowledgeKey, knowledgeLines } from '../../../domain/world/npc-lines.ts';
import type { Npc } from '../../../domain/world/world.ts';
import type { ActionContext, RecalledMemory } from '../../lane.ts';
import { whoTheyAre } from './player-facts.ts';
import { alreadySaid, factMemory, hasTold, type Recollection, tell, toldAt } from './recall.ts';
import { keywordHits, placePhrase } from './topics.ts';
import { capitalise, fill } from './voice.ts';

/** How many of the topics talked about an NPC names when asked what it remembers. */
const MEMORY_TOPICS = 3;
/** Game hours during which something that happened nearby is still news. */
const NEWS_GAME_HOURS = 12;
/** Below this (someone walking in or out), what happened nearby is not worth telling as news. */
const NEWS_IMPORTANCE = 3;
/** What the player did themselves is worth telling them only from this on (their return, a gift, a death). */
const OWN_NEWS_IMPORTANCE = 4;

export /** "I remember": who the player said they are and what they asked about, never their words. */
function memoryLine(context: ActionContext, npc: Npc, recollection: Recollection): string {
  const who = whoTheyAre(recollection);
  for (const kind of ['name', 'home', 'calling', 'seeking', 'promise'] as const)
    if (recollection.facts[kind]) useFact(context, recollection, kind);
  const lastToldOf = (k: Npc['knowledge'][number]) =>
    Math.max(-1, ...knowledgeLines(k).map((_, i) => recollection.toldBefore.lastIndexOf(knowledgeKey(k, i))));
  const spokenOf = npc.knowledge.filter((k) => {
    // Every remembered talk about the topic counts as used, even when what it told is known without it.
    const remembered = recollection.conversations.filter((m) => {
      const about =
        (m.npcReply !== undefined &&
          [k.text, ...k.more].some((line) => alreadySaid({ ...recollection, said: [m.npcReply!] }, line))) ||
        (m.playerMessage !== undefined && keywordHits(k, m.playerMessage.toLowerCase()) > 0);
      if (about) recollection.used.add(m);
      return about;
    });
    return remembered.length > 0 || lastToldOf(k) >= 0;
  });
  // Topics it has not yet named when asked first, then those told of most lately: asked again, it
  // names what it did not name the time before.
  const namedKey = (k: Npc['knowledge'][number]) => `remembered:${toldKeyPart(k.topic)}`;
  const named = (k: Npc['knowledge'][number]) => Number(recollection.toldBefore.includes(namedKey(k)));
  spokenOf.sort((a, b) => named(a) - named(b) || lastToldOf(b) - lastToldOf(a));
  const naming = spokenOf.slice(0, MEMORY_TOPICS);
  for (const k of naming) tell(recollection, namedKey(k));
  const talked =
    spokenOf.length > 0
      ? `We spoke of ${listed(naming.map((k) => spokenOfTopic(k.topic)))}${spokenOf.length > MEMORY_TOPICS ? ', among other things' : ''}.`
      : recollection.conversations.length > 0
        ? 'We have spoken before, though of nothing that stayed with me.'
        : undefined;
  if (!who && !talked) return 'I remember your face, and little more. Tell me your name, and I will keep it.';
  return [who ?? 'I remember you, though you never told me your name.', talked].filter(Boolean).join(' ');
}

/**
 * Something that happened near the NPC lately and that it has not yet told this player. Brought up
 * unasked, only what matters (a fight, a death, a quest); asked for news, also who came and went.
 * What the player did themselves is said to them ("You fell at Wolf Hollow…"), and only when it
 * matters (their death, their return, a gift), never their own comings and goings.
 */
export function freshHappening(
  context: ActionContext,
  recollection: Recollection,
  asked = false,
): string | undefined {
  const hourMs = context.world.content.time.secondsPerGameHour * 1000;
  const news = recollection.happenings
    .filter(
      (m) =>
        m.importance >= (asked ? 1 : NEWS_IMPORTANCE) &&
        context.at.getTime() - Date.parse(m.createdAt) <= NEWS_GAME_HOURS * hourMs,
    )
    .map((memory) => ({ memory, told: toldAs(context, memory) }))
    .find((n) => n.told !== undefined && !alreadySaid(recollection, n.told));
  if (!news) return undefined;
  recollection.used.add(news.memory);
  return news.told;
}

/** What the NPC saw, as it tells it to this player: of the player themselves, in the second person. */
function toldAs(context: ActionContext, memory: RecalledMemory): string | undefined {
  const text = withoutQuotedSpeech(memory.text);
  const own = `${context.player.username} `;
  if (memory.kind !== 'observation' || !context.player.username || !text.startsWith(own)) return text;
  return memory.importance >= OWN_NEWS_IMPORTANCE ? `You ${text.slice(own.length)}` : undefined;
}

const TODAY = { morning: 'this morning', day: 'today', evening: 'this evening', night: 'tonight' } as const;

const QUIET = [
  'Nothing new {today}; {place} has been quiet.',
  'Still nothing since you asked. {Place} stays quiet.',
  'No more than when you last asked: not a thing has stirred {today}.',
  'You keep asking, and {place} keeps quiet. Nothing yet.',
];

/**
 * Asked for news with nothing to tell: that the place has been quiet, at this hour. Asked again in
 * the same part of the same day, it says that nothing has come up since, not the same words again.
 */
export function quietLine(context: ActionContext, recollection: Recollection): string {
  const { hour, timeOfDay } = context.time;
  const asked = `quiet:${Math.floor(hour / 24)}-${timeOfDay}`;
  const key = (i: number) => `${asked}:${i}`;
  const untold = QUIET.findIndex((_, i) => !hasTold(recollection, '', key(i)));
  // All said: the one said longest ago, after the first (which is said once a time of day).
  const index =
    untold >= 0
      ? untold
      : QUIET.map((_, i) => i)
          .slice(1)
          .sort((a, b) => toldAt(recollection, key(a)) - toldAt(recollection, key(b)))[0]!;
  tell(recollection, key(index));
  const place = placePhrase(context, context.location.name);
  return fill(QUIET[index]!, { today: TODAY[timeOfDay], place, Place: capitalise(place) });
}

/**
 * A memory told as news, without the words it keeps of someone's speech (`Old Tom said: "…"`): the NPC
 * is speaking, and a quotation inside its quoted reply reads as two voices at once.
 */
function withoutQuotedSpeech(text: string): string {
  return text.replace(/\s*[^.!?]*\bsaid: "[^"]*"\s*$/, '').trim();
}

/**
 * Asked what it and another NPC talked about: what it remembers of their talks, the latest it has not
 * yet told this player first (then the latest again). Undefined when it remembers no talk with them.
 */
export function talkWithLine(recollection: Recollection, other: Npc): string | undefined {
  const talks = recollection.happenings.filter(
    (m) =>
      m.kind === 'observation' &&
      /^I (talked|passed the time) with /.test(m.text) &&
      m.text.includes(other.name),
  );
  const talk = talks.find((m) => !alreadySaid(recollection, m.text)) ?? talks[0];
  if (!talk) return undefined;
  recollection.used.add(talk);
  return withoutQuotedSpeech(talk.text);
}

export function useFact(
  context: ActionContext,
  recollection: Recollection,
  kind: Parameters<typeof factMemory>[1],
): void {
  const memory = factMemory(context, kind);
  if (memory) recollection.used.add(memory);
}

/** A topic as the NPC names it after "we spoke of": its "myself" is "me". */
function spokenOfTopic(topic: string): string {
  return topic === 'myself' ? 'me' : topic;
}

function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
