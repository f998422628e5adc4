import { pick } from '../../../domain/random.ts';
import type { Npc } from '../../../domain/world/world.ts';
import { alreadySaid, type Recollection } from './recall.ts';

/**
 * One of these lines that the NPC has not said to this player lately (the preferred ones, if any of
 * those is left); when every one was said, any of them. The dice only choose among lines that fit.
 */
export function chooseLine<Line extends { text: string; specificity: number }>(
  lines: readonly Line[],
  recollection: Recollection,
  random: () => number,
  prefer?: (line: Line) => boolean,
): string | undefined {
  if (lines.length === 0) return undefined;
  const fresh = lines.filter((line) => !alreadySaid(recollection, line.text));
  let pool = fresh.length > 0 ? fresh : lines;
  const preferred = prefer ? pool.filter(prefer) : [];
  if (preferred.length > 0) pool = preferred;
  return pick(random, pool).text;
}

/** Plain strings as lines that fit anywhere. */
export const anywhere = (texts: readonly string[]) => texts.map((text) => ({ text, specificity: 0 }));

/**
 * The player named where the NPC would call them "child" or "friend": the first such word spoken
 * to them (after a comma, before punctuation) becomes the name they gave.
 */
export function addressByName(reply: string, npc: Npc, name: string | undefined): string {
  if (!name || npc.address.length === 0) return reply;
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
