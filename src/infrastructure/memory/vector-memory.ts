/**
 * The NPC memory store port: memories with their embeddings, searched by cosine similarity.
 *
 * Conventions every adapter maps to:
 * - An adapter holds vectors of one dimension; an embedding of another size is refused.
 * - Embeddings come back L2-normalised (cosine only needs the direction) and may be float32-rounded.
 * - A memory is only ever found through its NPC; with `playerId`, only memories tagged with that player.
 * - The store is rebuildable from events, so `clear` is safe to call.
 */

export interface NpcMemory {
  /** A UUID. Upserting an id that exists replaces that memory. */
  id: string;
  npcId: string;
  playerId?: string;
  text: string;
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
  playerId?: string;
}

export interface VectorMemory {
  readonly name: string;
  /** Idempotent by id. */
  upsert(memories: NpcMemory[]): Promise<void>;
  /** That NPC's memories (and that player's, when given) most similar to `embedding`, best first. */
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
