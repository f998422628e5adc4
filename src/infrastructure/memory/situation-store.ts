/**
 * The situation index port: short texts about places, NPCs and players' recent actions with their
 * embeddings, searched by cosine similarity ("similar situation lookup for context").
 *
 * Conventions every adapter maps to:
 * - An adapter holds vectors of one dimension; an embedding of another size is refused.
 * - A player action is only ever found with its own player's id: a search without `playerId` never
 *   returns one, a search with it returns that player's actions only (places and NPCs are public).
 * - The index is rebuildable (the world content and the events), so `clear` is safe to call.
 */

import { EmbeddingDimensionError } from './vector-memory.ts';

export { EmbeddingDimensionError };

export const SITUATION_KINDS = ['place', 'npc', 'player_action'] as const;
export type SituationKind = (typeof SITUATION_KINDS)[number];

export interface Situation {
  /** A UUID. Upserting an id that exists replaces that entry. */
  id: string;
  kind: SituationKind;
  /** The location (place, player action: where it happened) or NPC the entry is about. */
  subjectId: string;
  /** player_action only: whose action it was. */
  playerId?: string;
  text: string;
  /** ISO-8601; for player actions, the order pruning keeps the latest by. */
  createdAt: string;
  embedding: number[];
}

export type FoundSituation = Situation & {
  /** Cosine similarity to the query, -1..1. */
  similarity: number;
};

export interface SituationSearch {
  kinds: readonly SituationKind[];
  /** Needed to find any player_action, and then only that player's. */
  playerId?: string;
  limit: number;
}

export interface SituationStore {
  readonly name: string;
  /** Idempotent by id. Refuses a player_action without a player, and a place or NPC with one. */
  upsert(entries: Situation[]): Promise<void>;
  /** The entries in scope most similar to `embedding`, best first. */
  search(embedding: number[], options: SituationSearch): Promise<FoundSituation[]>;
  /** Keeps each of these players' `keep` latest actions (by createdAt, then id) and drops the others. */
  prunePlayerActions(playerIds: readonly string[], keep: number): Promise<void>;
  /** Drops every place and NPC entry whose id is not in `keepIds` (an older content version's). */
  retainPublic(keepIds: ReadonlySet<string>): Promise<void>;
  /** Entries of that kind, or of all kinds. */
  count(kind?: SituationKind): Promise<number>;
  clear(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class SituationScopeError extends Error {
  override readonly name = 'SituationScopeError';
}

/** A player action belongs to a player; a place or an NPC to nobody. */
export function checkScope(entry: Pick<Situation, 'id' | 'kind' | 'playerId'>): void {
  if (entry.kind === 'player_action' && !entry.playerId)
    throw new SituationScopeError(`player_action ${entry.id} names no player`);
  if (entry.kind !== 'player_action' && entry.playerId !== undefined)
    throw new SituationScopeError(`${entry.kind} ${entry.id} is public and cannot name a player`);
}

/** The latest first: createdAt, then id (a stable order for entries written at the same moment). */
export function latestFirst(a: Pick<Situation, 'id' | 'createdAt'>, b: Pick<Situation, 'id' | 'createdAt'>) {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
