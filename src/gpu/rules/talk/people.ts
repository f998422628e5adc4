import { toldKeyPart } from '../../../domain/npc/told-lines.ts';
import { pick } from '../../../domain/random.ts';
import { npcLocationAt } from '../../../domain/world/clock.ts';
import { pronounOf } from '../../../domain/world/grammar.ts';
import type { Npc } from '../../../domain/world/world.ts';
import type { ActionContext } from '../../lane.ts';
import { hasTold, type Recollection, tell } from './recall.ts';
import { escapeRegExp, nameWords, OWN_TOPIC, placePhrase } from './topics.ts';
import { capitalise, fill } from './voice.ts';

/** Other NPCs the words name (by any word of their name: "Brenna", "blacksmith", "Tom", "captain"). */
export function mentionedNpcs(context: ActionContext, npc: Npc, text: string): Npc[] {
  return context.world.content.npcs.filter(
    (other) => other.id !== npc.id && nameWords(other).some((word) => new RegExp(`\\b${word}\\b`).test(text)),
  );
}

/**
 * The NPC's topic about itself when the words ask about it by name ("what do you think of Brenna?",
 * to Brenna; "tell me about the elder", to the elder). Only a question about the name counts:
 * "farewell, elder" speaks to it, and asks nothing.
 */
export function selfTopicAsked(npc: Npc, text: string): Npc['knowledge'][number] | undefined {
  const names = nameWords(npc).join('|');
  if (!names) return undefined;
  const about = new RegExp(`\\b(about|of|who is|who's|what is)\\s+(the\\s+|old\\s+)*(${names})\\b`);
  if (!about.test(text)) return undefined;
  return (
    npc.knowledge.find((k) => k.topic === 'myself') ?? npc.knowledge.find((k) => OWN_TOPIC.test(k.topic))
  );
}

/**
 * What the NPC says of another: how it feels about them (from their tie), what they look like the
 * second time it is asked, and where they are at this hour, which it knows from their habits.
 */
export function opinionOf(context: ActionContext, npc: Npc, other: Npc, recollection: Recollection): string {
  const tie = npc.relationships.find((r) => r.npc === other.id);
  const short = other.name.split(' ')[0] === 'Old' ? other.name : other.name.split(' ')[0]!;
  // Said to the player, with what the NPC calls them (their name, once it knows it).
  const feeling = feelingLine(other.name, tie).replace(/\.$/, npc.address[0] ? `, ${npc.address[0]}.` : '.');
  const pronoun = pronounOf(other);
  const whereabouts = whereaboutsOf(context, npc, other);
  const feelingKey = `opinion:${toldKeyPart(other.id)}:feeling`;
  if (!hasTold(recollection, feeling, feelingKey)) {
    tell(recollection, feelingKey);
    return [feeling, whereabouts].join(' ');
  }
  const looks = `You will know ${pronoun.them}: ${lowerFirst(other.description.split(/(?<=\.)\s/)[0]!)}`;
  const looksKey = `opinion:${toldKeyPart(other.id)}:looks`;
  if (!hasTold(recollection, looks, looksKey)) {
    tell(recollection, looksKey);
    return [`${short}, again?`, looks, whereabouts].join(' ');
  }
  return [`I have told you what I think of ${short}.`, whereabouts].join(' ');
}

function feelingLine(name: string, tie: Npc['relationships'][number] | undefined): string {
  if (!tie) return `${name}? I hardly know them.`;
  if (tie.score >= 50) return `${name}? My ${tie.kind}, and dear to me.`;
  if (tie.score >= 25) return `${name}? My ${tie.kind}, and a good one.`;
  if (tie.score >= 10) return `${name}? A ${tie.kind} I think well of.`;
  if (tie.score > -10) return `${name}? We get along, as ${tie.kind}s do.`;
  return `${name}? My ${tie.kind}. Do not make me speak of it.`;
}

/** "She is at the Smithy as ever." / "He is right here, as it happens." */
export function whereaboutsOf(context: ActionContext, npc: Npc, other: Npc): string {
  const they = pronounOf(other).They;
  const hour = context.time.hourOfDay;
  const there = npcLocationAt(other, hour);
  if (there === npcLocationAt(npc, hour)) return `${they} is right here, as it happens.`;
  const place = placePhrase(context, context.world.locations.get(there)?.name ?? there);
  const usual = there === other.location ? 'as ever' : 'at this hour';
  return `${they} is at ${place} ${usual}.`;
}

function lowerFirst(text: string): string {
  return /^(A|An|The) /.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** For an NPC whose content has no lines of its own: the topic early, so that openings differ by topic. */
const ASK_ELSEWHERE = [
  "{Topic}? That is more {name}'s business than mine{address}. {whereabouts}",
  'Of {topic} I know little{address}; ask {name}. {whereabouts}',
  '{name} knows {topic} better than I do{address}. {whereabouts}',
  'For {topic}{address}, go to {name}, not me. {whereabouts}',
];

/**
 * What the NPC says of something it does not know but another NPC does (a keyword of theirs said as
 * a whole word): who to ask, and where they are at this hour. Undefined when no one knows of it.
 */
export function askElsewhereLine(
  context: ActionContext,
  npc: Npc,
  text: string,
  recollection: Recollection,
  random: () => number,
): string | undefined {
  const ownNames = nameWords(npc);
  const known = context.world.content.npcs
    .filter((other) => other.id !== npc.id)
    .flatMap((other) =>
      other.knowledge
        // Not a topic about the NPC asked ("the elder", to the elder): that is its name, not a question.
        .filter((entry) => !OWN_TOPIC.test(entry.topic) && !entry.keywords.some((k) => ownNames.includes(k)))
        .map((entry) => ({ other, entry, hits: wholeWordHits(entry, text), named: namesAsked(entry, text) })),
    )
    .filter((k) => k.hits > 0)
    // Of those who know as much, a topic named by the words asked ("the ruins and the barrow" for
    // "ruins", not "the hermit" who lives there), then the one this NPC thinks best of.
    .sort(
      (a, b) =>
        b.hits - a.hits || Number(b.named) - Number(a.named) || regard(npc, b.other) - regard(npc, a.other),
    )[0];
  if (!known) return undefined;
  const templates = npc.askElsewhere.length > 0 ? npc.askElsewhere : ASK_ELSEWHERE;
  const topic = known.entry.topic;
  const whereabouts = whereaboutsOf(context, npc, known.other);
  const lines = templates.map((template, variant) => {
    const text = fill(template, {
      Topic: capitalise(topic),
      topic,
      name: known.other.name,
      whereabouts,
      address: npc.address[0] ? `, ${npc.address[0]}` : '',
    });
    // Found in earlier answers by its own words: the whereabouts are in many of them.
    return {
      text,
      ownWords: text.replace(whereabouts, ''),
      key: `elsewhere:${toldKeyPart(topic)}:${variant}`,
      variant,
    };
  });
  // Not the words it used on this topic before; of the others, the turn of phrase it has not used
  // longest on any topic. Asked of a topic more times than it has phrases, the oldest comes round again.
  const fresh = lines.filter((line) => !hasTold(recollection, line.ownWords, line.key));
  const lastUse = (line: (typeof lines)[number]) =>
    fresh.length > 0
      ? recollection.toldBefore.findLastIndex(
          (key) => key.startsWith('elsewhere:') && key.endsWith(`:${line.variant}`),
        )
      : recollection.toldBefore.indexOf(line.key);
  const pool = fresh.length > 0 ? fresh : lines;
  const oldest = Math.min(...pool.map(lastUse));
  const line = pick(
    random,
    pool.filter((l) => lastUse(l) === oldest),
  );
  tell(recollection, line.key);
  return line.text;
}

function wholeWordHits(entry: Npc['knowledge'][number], text: string): number {
  return entry.keywords.filter((k) =>
    new RegExp(`\\b${k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(text),
  ).length;
}

/** Whether the topic's own name says one of its keywords the words said ("the ruins and the barrow"). */
function namesAsked(entry: Npc['knowledge'][number], text: string): boolean {
  const name = entry.topic.toLowerCase();
  return entry.keywords.some(
    (k) =>
      new RegExp(`\\b${escapeRegExp(k.toLowerCase())}\\b`).test(text) &&
      new RegExp(`\\b${escapeRegExp(k.toLowerCase())}\\b`).test(name),
  );
}

function regard(npc: Npc, other: Npc): number {
  return npc.relationships.find((r) => r.npc === other.id)?.score ?? 0;
}
