import type { Npc } from '../../../domain/world/world.ts';
import type { ActionContext, PlayerFact, RecalledMemory } from '../../lane.ts';
import type { Intent } from './intent.ts';

/** What an NPC has in mind of this player and of the place as it answers, read from its memories. */
export interface Recollection {
  /** What the player told of themselves: from memories, overridden by what they tell right now. */
  facts: Partial<Record<PlayerFact['kind'], string>>;
  /** What the player had told before this message. */
  remembered: Partial<Record<PlayerFact['kind'], string>>;
  /** Facts the player tells in this very message. */
  toldNow: PlayerFact[];
  /** This player's earlier talks with the NPC, newest first. */
  conversations: RecalledMemory[];
  /** What the NPC answered this player before (so that it need not say it again). */
  said: string[];
  /** Things that happened near the NPC, and what it made of them, newest first. */
  happenings: RecalledMemory[];
  /** The memories this reply drew on. */
  used: Set<RecalledMemory>;
  /** Keys of the lines this NPC told this player before, oldest first (kept in the player's state). */
  toldBefore: readonly string[];
  /** Keys of the lines this reply tells. */
  tellingNow: string[];
}

export function recollect(context: ActionContext, npc: Npc, intent: Intent): Recollection {
  const own = context.memories.filter((m) => m.playerId === context.player.playerId);
  const newestFirst = (a: RecalledMemory, b: RecalledMemory) => b.createdAt.localeCompare(a.createdAt);
  const facts: Recollection['facts'] = {};
  for (const memory of own
    .filter((m) => m.kind === 'fact' && m.fact)
    .sort(newestFirst)
    .reverse())
    facts[memory.fact!.kind] = memory.fact!.value;
  const remembered = { ...facts };
  for (const fact of intent.told) facts[fact.kind] = fact.value;
  const conversations = own.filter((m) => (m.kind ?? 'conversation') === 'conversation').sort(newestFirst);
  return {
    facts,
    remembered,
    toldNow: intent.told,
    conversations,
    said: conversations.flatMap((m) => (m.npcReply ? [m.npcReply] : [])),
    happenings: context.memories
      .filter((m) => m.kind === 'observation' || m.kind === 'reflection')
      .sort(newestFirst),
    used: new Set(),
    toldBefore: context.player.toldByNpc?.[npc.id] ?? [],
    tellingNow: [],
  };
}

/**
 * Whether the NPC told this player the line: its key is in what it told before or tells now, or
 * (for what was told before NPCs kept count, or a line without a key) it is found in a remembered answer.
 */
export function hasTold(recollection: Recollection, line: string, key?: string): boolean {
  if (key !== undefined && (recollection.tellingNow.includes(key) || recollection.toldBefore.includes(key)))
    return true;
  return alreadySaid(recollection, line);
}

/** Marks a line as told in this reply, by its key. */
export function tell(recollection: Recollection, key: string | undefined): void {
  if (key !== undefined && !recollection.tellingNow.includes(key)) recollection.tellingNow.push(key);
}

/** How long ago the NPC told a line, as its place in what it told (-1: never, or too long ago to count). */
export function toldAt(recollection: Recollection, key: string | undefined): number {
  return key === undefined ? -1 : recollection.toldBefore.indexOf(key);
}

/** The memory that holds a fact the player told before (to count it as used). */
export function factMemory(context: ActionContext, kind: PlayerFact['kind']): RecalledMemory | undefined {
  return context.memories.find(
    (m) => m.kind === 'fact' && m.fact?.kind === kind && m.playerId === context.player.playerId,
  );
}

/**
 * A line's mark: its longest clause. A line told before is found in an earlier answer by it, even
 * where the NPC put the player's name in place of a word like "child".
 */
export function lineMark(line: string): string {
  return line
    .split(/[,.;:!?…"“”]+/)
    .map((clause) => clause.trim())
    .reduce((longest, clause) => (clause.length > longest.length ? clause : longest), '');
}

/** Whether the NPC said this line to the player in an answer it remembers. */
export function alreadySaid(recollection: Recollection, line: string): boolean {
  const mark = lineMark(line);
  return mark.length > 0 && recollection.said.some((reply) => reply.includes(mark));
}

/** The answer that held a line, to count its memory as used. */
export function memoryThatSaid(recollection: Recollection, line: string): RecalledMemory | undefined {
  const mark = lineMark(line);
  return recollection.conversations.find((m) => m.npcReply?.includes(mark));
}
