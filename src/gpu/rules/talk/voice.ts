import { pick } from '../../../domain/random.ts';
import type { Npc } from '../../../domain/world/world.ts';
import { hasTold, type Recollection, tell, toldAt } from './recall.ts';

/**
 * One of these lines that the NPC has not told this player (the preferred ones, if any of those is
 * left); when every one was told, the one told longest ago. The chosen line is marked as told (by
 * its key). The dice only choose among lines that fit as well.
 */
export function chooseLine<
  Line extends { text: string; specificity: number; key?: string; ownWords?: string },
>(
  lines: readonly Line[],
  recollection: Recollection,
  random: () => number,
  prefer?: (line: Line) => boolean,
): string | undefined {
  if (lines.length === 0) return undefined;
  const fresh = lines.filter((line) => !hasTold(recollection, line.ownWords ?? line.text, line.key));
  let pool = fresh.length > 0 ? fresh : leastRecentlyTold(lines, recollection);
  const preferred = prefer ? pool.filter(prefer) : [];
  if (preferred.length > 0) pool = preferred;
  const line = pick(random, pool);
  tell(recollection, line.key);
  return line.text;
}

/** Of lines all told before, those told longest ago (a line without a key counts as told long ago). */
function leastRecentlyTold<Line extends { key?: string }>(
  lines: readonly Line[],
  recollection: Recollection,
): Line[] {
  const notNow = lines.filter(
    (line) => line.key === undefined || !recollection.tellingNow.includes(line.key),
  );
  const candidates = notNow.length > 0 ? notNow : lines;
  const oldest = Math.min(...candidates.map((line) => toldAt(recollection, line.key)));
  return candidates.filter((line) => toldAt(recollection, line.key) === oldest);
}

/**
 * Plain strings as lines that fit anywhere; with a kind, each is known as `<kind>:<index>` once told.
 * A line that ends in a sentence composed from the world ("He is at the Elder's Hut as ever.") is
 * found in earlier answers by its own words, given as `ownWords`: the composed sentence is in many
 * answers and says nothing of whether this line was said.
 */
export const anywhere = (texts: readonly string[], kind?: string, composed?: string) =>
  texts.map((text, index) => ({
    text,
    specificity: 0,
    ...(kind !== undefined ? { key: `${kind}:${index}` } : {}),
    ...(composed ? { ownWords: text.replace(composed, '') } : {}),
  }));

/**
 * The player named where the NPC would call them "child" or "friend": the first such word spoken
 * to them (after a comma, before punctuation) becomes the name they gave.
 */
export function addressByName(reply: string, npc: Npc, name: string | undefined): string {
  // A reply that already says the name (taking it in: "Bea. A good name…") is not to say it twice.
  if (!name || npc.address.length === 0 || reply.includes(name)) return reply;
  const words = npc.address.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const inSentence = new RegExp(`(,\\s)(${words})(?=[,.!?;:—])`, 'i');
  if (inSentence.test(reply)) return reply.replace(inSentence, `$1${name}`);
  const opening = new RegExp(`(^|[.!?]\\s)(${words})(?=,)`, 'i');
  return reply.replace(opening, `$1${name}`);
}

/** Whether a reply already speaks to the player by an address word or their name. */
export function speaksTo(reply: string, npc: Npc, name: string | undefined): boolean {
  const lower = reply.toLowerCase();
  return (
    (name !== undefined && reply.includes(name)) ||
    npc.address.some((word) => new RegExp(`\\b${word.toLowerCase()}\\b`).test(lower))
  );
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
