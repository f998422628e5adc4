/**
 * The NPC memory store port: memories with their embeddings, searched by cosine similarity.
 *
 * Conventions every adapter maps to:
 * - An adapter holds vectors of one dimension; an embedding of another size is refused.
 * - Embeddings come back L2-normalised (cosine only needs the direction) and may be float32-rounded.
 * - A memory is only ever found through its NPC; with `playerId`, only memories tagged with that player;
 *   with `visibleTo`, that player's and the public ones (no player), never another player's.
 * - A memory without a kind (written before kinds existed) is a conversation.
 * - The store is rebuildable from events, so `clear` is safe to call.
 */

import type { PlayerFact } from '../../domain/memory/facts.ts';
import type { MemoryKind } from '../../domain/memory/memory-constants.ts';

export interface NpcMemory {
  /** A UUID. Upserting an id that exists replaces that memory. */
  id: string;
  npcId: string;
  /** The player a private memory (a conversation, a fact) belongs to; public memories have none. */
  playerId?: string;
  /** Absent: a conversation. */
  kind?: MemoryKind;
  /** What the memory is about, for relevance: a conversation's player words, an observation's telling. */
  text: string;
  /** A conversation: what the NPC answered. */
  npcReply?: string;
  /** A fact memory: what the player told about themselves. */
  fact?: PlayerFact;
  /** 1..10 */
  importance: number;
  /** ISO-8601 */
  createdAt: string;
  /** ISO-8601 */
  lastAccessedAt: string;
  embedding: number[];
}

export type FoundMemory = NpcMemory & {
  /** Cosine similarity to the query, -1..1. */
  similarity: number;
};

export interface SearchOptions {
  limit: number;
  /** Only that player's memories. */
  playerId?: string;
  /** That player's memories and the public ones: what an NPC may bring up with that player. */
  visibleTo?: string;
  /** Only memories of these kinds (a memory without a kind counts as a conversation). */
  kinds?: readonly MemoryKind[];
}

export interface VectorMemory {
  readonly name: string;
  /** Idempotent by id. */
  upsert(memories: NpcMemory[]): Promise<void>;
  /** That NPC's memories within the options' scope most similar to `embedding`, best first. */
  search(npcId: string, embedding: number[], options: SearchOptions): Promise<FoundMemory[]>;
  /** Sets lastAccessedAt of the memories with these ids; unknown ids are ignored. */
  touch(ids: string[], at: string): Promise<void>;
  /** Memories of that NPC, or of all NPCs. */
  count(npcId?: string): Promise<number>;
  /** Drops every memory (rebuilds and tests). */
  clear(): Promise<void>;
  /** Resolves when the store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class EmbeddingDimensionError extends Error {
  override readonly name = 'EmbeddingDimensionError';
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`embedding of ${actual} dimensions, the store holds ${expected}`);
  }
}
