import { REFLECTION_IMPORTANCE, REFLECTION_THRESHOLD, REFLECTION_WINDOW } from './memory-constants.ts';
import type { Observation } from './observation-collector.ts';

/**
 * Reflection as in Generative Agents: an NPC adds up the importance of what it observed since its
 * last reflection; past the threshold it draws one conclusion from those observations, worded by rule
 * rather than by a model. Only public observations come in, so a reflection (public too) never tells
 * one player's private talk to another.
 */

/** One NPC's observations since its last reflection. */
export interface ReflectionState {
  pending: number;
  recent: readonly Observation[];
}

export interface Reflection {
  /** The NPC and the event that tipped it over: the memory's id is derived from it. */
  key: string;
  npcId: string;
  text: string;
  importance: number;
  /** ISO-8601 */
  at: string;
}

export const NO_REFLECTION: ReflectionState = { pending: 0, recent: [] };

/**
 * Adds one event's observations by one NPC. Returns the NPC's next state, and the reflection when
 * this event took the sum of importance to the threshold (the state then starts again from zero).
 */
export function noteObservations(
  state: ReflectionState,
  observations: readonly Observation[],
  eventId: string,
): { state: ReflectionState; reflection?: Reflection } {
  if (observations.length === 0) return { state };
  const pending = state.pending + observations.reduce((sum, o) => sum + o.importance, 0);
  const recent = [...state.recent, ...observations].slice(-REFLECTION_WINDOW);
  if (pending < REFLECTION_THRESHOLD) return { state: { pending, recent } };
  const last = observations.at(-1)!;
  return {
    state: NO_REFLECTION,
    reflection: {
      key: `${last.npcId}/${eventId}`,
      npcId: last.npcId,
      text: reflect(recent),
      importance: recent.some((o) => o.kind === 'death')
        ? REFLECTION_IMPORTANCE.grave
        : REFLECTION_IMPORTANCE.usual,
      at: last.at,
    },
  };
}

/** The one or two things that weighed most among the observations, in a sentence each. */
export function reflect(observations: readonly Observation[]): string {
  const themes = [danger(observations), deeds(observations), company(observations), comings(observations)]
    .filter((theme): theme is Theme => theme !== undefined)
    .sort((a, b) => b.weight - a.weight);
  if (themes.length === 0) {
    return `It has been a busy time: ${count(observations.length, 'thing')} worth noting happened around me.`;
  }
  return themes
    .slice(0, 2)
    .map((theme) => theme.text)
    .join(' ');
}

interface Theme {
  weight: number;
  text: string;
}

/** Fights, slayings and deaths: the enemy seen most, where, and who fell. */
function danger(observations: readonly Observation[]): Theme | undefined {
  const bloody = observations.filter((o) => o.kind === 'fight' || o.kind === 'defeat' || o.kind === 'death');
  if (bloody.length < 2 && !bloody.some((o) => o.kind === 'death')) return undefined;
  const enemy = mostFrequent(bloody.map((o) => o.about.enemyName));
  const place = mostFrequent(bloody.map((o) => o.about.placeName));
  const ofEnemy = bloody.filter((o) => o.about.enemyName === enemy);
  const slain = ofEnemy.filter((o) => o.kind === 'defeat').length;
  const fights = Math.max(ofEnemy.filter((o) => o.kind === 'fight').length, slain);
  const fallen = distinct(bloody.filter((o) => o.kind === 'death').map((o) => o.about.playerName));
  const parts = [
    ...(enemy && fights > 0
      ? [
          `${count(fights, 'fight')} with the ${enemy}${slain > 0 ? `, ${numberWord(slain)} of them won` : ''}`,
        ]
      : []),
    ...(fallen.length > 0 ? [`${names(fallen)} fell`] : []),
  ];
  return {
    weight: weightOf(bloody),
    text: `Trouble keeps coming${place ? ` at ${place}` : ''}: ${parts.join(', and ')}.`,
  };
}

/** What one player did for this NPC (gifts, its tasks) or before its eyes (beasts slain). */
function deeds(observations: readonly Observation[]): Theme | undefined {
  const byPlayer = groupBy(
    observations.filter((o) => o.about.playerId && DEED_KINDS.has(o.kind)),
    (o) => o.about.playerId!,
  );
  const best = [...byPlayer.values()].sort((a, b) => weightOf(b) - weightOf(a))[0];
  if (!best || best.length < 2) return undefined;
  const name = best[0]!.about.playerName ?? 'A traveller';
  const howMany = (kind: Observation['kind']) => best.filter((o) => o.kind === kind).length;
  const gifts = howMany('gift');
  const done = howMany('questCompleted');
  const steps = howMany('questStep');
  const slain = howMany('defeat');
  const dropped = howMany('questAbandoned');
  const good = [
    ...(gifts > 0 ? [gifts === 1 ? 'a gift' : `${numberWord(gifts)} gifts`] : []),
    ...(done > 0 ? [done === 1 ? 'a task seen through' : `${numberWord(done)} tasks seen through`] : []),
    ...(steps > 0 && done === 0 ? ['work on my task'] : []),
    ...(slain > 0 ? [`${count(slain, 'beast')} slain`] : []),
  ];
  const text =
    good.length === 0
      ? dropped > 0
        ? `${name} let me down: they took on my task and gave it up.`
        : `${name} has been about a good deal lately.`
      : gifts + done + steps > 0
        ? `${name} has done right by me: ${list(good)}.`
        : `${name} is handy with a blade: ${list(good)}.`;
  return { weight: weightOf(best), text };
}

/** The NPC it talked with most, and what about. */
function company(observations: readonly Observation[]): Theme | undefined {
  const talks = observations.filter((o) => o.kind === 'npcTalk' || o.kind === 'npcReaction');
  const chats = talks.filter((o) => o.kind === 'npcTalk');
  if (chats.length < 2) return undefined;
  const friend = mostFrequent(chats.map((o) => o.about.npcName));
  const topics = distinct(chats.filter((o) => o.about.npcName === friend).map((o) => o.about.topic)).slice(
    0,
    2,
  );
  return {
    weight: weightOf(talks),
    text: `I have talked a good deal with ${friend ?? 'the others'} lately${topics.length > 0 ? `, about ${list(topics)}` : ''}.`,
  };
}

/** Who came and went. */
function comings(observations: readonly Observation[]): Theme | undefined {
  const moves = observations.filter((o) => MOVE_KINDS.has(o.kind));
  const travellers = distinct(moves.map((o) => o.about.playerName));
  if (travellers.length < 2) return undefined;
  const shown = travellers.slice(0, 3);
  const others = travellers.length - shown.length;
  const who = others > 0 ? `${shown.join(', ')} and ${count(others, 'other')}` : names(shown);
  return { weight: weightOf(moves), text: `Many come and go these days: ${who}.` };
}

const DEED_KINDS = new Set<Observation['kind']>([
  'gift',
  'questAccepted',
  'questStep',
  'questCompleted',
  'questAbandoned',
  'defeat',
]);
const MOVE_KINDS = new Set<Observation['kind']>(['arrival', 'departure', 'newcomer', 'return']);

function weightOf(observations: readonly Observation[]): number {
  return observations.reduce((sum, o) => sum + o.importance, 0);
}

/** The value seen most often; of equals, the one seen first. */
function mostFrequent(values: readonly (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const value of values) if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: string | undefined;
  for (const [value, n] of counts) if (best === undefined || n > counts.get(best)!) best = value;
  return best;
}

function distinct(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}

const NUMBER_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

function numberWord(n: number): string {
  return NUMBER_WORDS[n] ?? String(n);
}

function count(n: number, noun: string): string {
  return `${numberWord(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function names(values: readonly string[]): string {
  return list(values);
}

function list(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} and ${values.at(-1)}`;
}
