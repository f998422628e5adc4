import type { Npc } from '../../../domain/world/world.ts';
import type { PlayerFact } from '../../lane.ts';
import { toSecondPerson } from './intent.ts';
import { hasTold, type Recollection, tell } from './recall.ts';
import { fill } from './voice.ts';

type FactKind = PlayerFact['kind'];

/** How any NPC takes and recalls what a player tells of themselves, when its content says nothing. */
const PLAIN: Record<FactKind, { heard: string[]; recalled: string[] }> = {
  name: { heard: ['{value}. I will remember it.'], recalled: [] },
  home: {
    heard: ['{value}? A long road behind you, then.'],
    recalled: ['How fares {value}?', 'Do you miss {value}?'],
  },
  calling: {
    heard: ['A {value}. There is work here for one of those.'],
    recalled: ['How goes the life of a {value}?'],
  },
  promise: {
    heard: ['I will hold you to that.'],
    recalled: ['You promised to {value}. I have not forgotten.'],
  },
  seeking: {
    heard: ['{value}. I will keep my ears open.'],
    recalled: ['Have you found {value} yet?'],
  },
};

/** The value as the NPC says it: the player's "my brother" is "your brother" in its mouth. */
function spoken(fact: PlayerFact): string {
  return fact.kind === 'promise' || fact.kind === 'seeking' ? toSecondPerson(fact.value) : fact.value;
}

/**
 * The NPC takes in what the player just told of themselves; told again what it already knew, it
 * answers with another of its lines (it heard them the first time).
 */
export function heardLine(npc: Npc, fact: PlayerFact, recollection: Recollection, knewIt: boolean): string {
  const own = npc.playerFacts[fact.kind]?.heard ?? [];
  const lines = (own.length > 0 ? own : PLAIN[fact.kind].heard).map((line, index) => ({
    text: fill(line, { value: spoken(fact) }),
    key: `heard:${fact.kind}:${index}`,
  }));
  const fresh = lines.filter((line) => !hasTold(recollection, line.text, line.key));
  const pool = fresh.length > 0 ? fresh : lines;
  const line = (knewIt ? pool[pool.length - 1] : pool[0])!;
  tell(recollection, line.key);
  return line.text;
}

/**
 * Something the player told before, brought up again (their home, their promise, what they seek),
 * the first the NPC has not brought up lately; undefined when there is none.
 */
export function recalledFactLine(
  npc: Npc,
  recollection: Recollection,
): { line: string; kind: FactKind } | undefined {
  for (const kind of ['promise', 'seeking', 'home', 'calling'] as const) {
    const value = recollection.facts[kind];
    if (!value || recollection.toldNow.some((f) => f.kind === kind)) continue;
    const own = npc.playerFacts[kind]?.recalled ?? [];
    const lines = (own.length > 0 ? own : PLAIN[kind].recalled).map((line, index) => ({
      text: fill(line, { value: spoken({ kind, value }) }),
      key: `recalled:${kind}:${index}`,
    }));
    const fresh = lines.find((line) => !hasTold(recollection, line.text, line.key));
    if (fresh) {
      tell(recollection, fresh.key);
      return { line: fresh.text, kind };
    }
  }
  return undefined;
}

/** "You are Aldric, of Millbrook, a smith." from what the player told, or undefined when nothing. */
export function whoTheyAre(recollection: Recollection): string | undefined {
  const { name, home, calling, seeking, promise } = recollection.facts;
  if (!name && !home && !calling && !seeking && !promise) return undefined;
  const who = [
    name ? `You are ${name}` : 'You did not give me your name',
    ...(home ? [`of ${home}`] : []),
    ...(calling ? [`a ${calling}`] : []),
  ].join(', ');
  const more = [
    ...(seeking ? [`You are looking for ${toSecondPerson(seeking)}.`] : []),
    ...(promise ? [`And you promised to ${toSecondPerson(promise)}.`] : []),
  ];
  return [`${who}.`, ...more].join(' ');
}

/** The NPC's answer when the player asks what it knows of one thing they told ("what is my name?"). */
const ASKED: Record<FactKind, { known: string; unknown: string }> = {
  name: { known: '{value}. You told me so yourself.', unknown: 'You never told me your name.' },
  home: { known: '{value}, you said.', unknown: 'You never said where you come from.' },
  calling: { known: 'A {value}, by your own account.', unknown: 'You never told me your trade.' },
  promise: { known: 'You promised to {value}.', unknown: 'You promised me nothing that I recall.' },
  seeking: {
    known: 'You are looking for {value}, you said.',
    unknown: 'You never said what you are looking for.',
  },
};

/**
 * What the NPC knows of one thing the player told of themselves, asked for by name ("where do I come
 * from?"): the fact in its words, or that it was never told; asked again, it says it was asked before.
 */
export function askedFactLine(kind: FactKind, recollection: Recollection): string {
  const value = recollection.facts[kind];
  if (!value) return ASKED[kind].unknown;
  const answer = fill(ASKED[kind].known, { value: spoken({ kind, value }) });
  const key = `asked:${kind}`;
  // By its key alone: the fact itself is in many an earlier answer ("You are Aldric, of Millbrook").
  const askedBefore = hasTold(recollection, '', key);
  tell(recollection, key);
  return askedBefore ? `Again? ${answer}` : answer;
}
