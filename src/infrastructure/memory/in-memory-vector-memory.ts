import { EmbeddingDimensions, mostSimilar, normalised, type Vectorised } from './cosine.ts';
import type { FoundMemory, NpcMemory, SearchOptions, VectorMemory } from './vector-memory.ts';

type StoredMemory = Vectorised<NpcMemory>;

/**
 * Exact cosine search in process: vectors are normalised once on upsert, so a search is one dot product
 * per memory of that NPC (10k memories of 768 dimensions take a few milliseconds). Lost on restart;
 * rebuild it from the events.
 */
export class InMemoryVectorMemory implements VectorMemory {
  readonly name = 'in-memory';
  private readonly byNpc = new Map<string, Map<string, StoredMemory>>();
  private readonly npcOf = new Map<string, string>();

  /** Without `dimensions`, the first upserted embedding decides. */
  private readonly dimensions: EmbeddingDimensions;

  constructor(dimensions?: number) {
    this.dimensions = new EmbeddingDimensions(dimensions);
  }

  async upsert(memories: NpcMemory[]): Promise<void> {
    for (const memory of memories) this.dimensions.check(memory.embedding);
    for (const { embedding, ...memory } of memories) {
      const previousNpc = this.npcOf.get(memory.id);
      if (previousNpc !== undefined) this.byNpc.get(previousNpc)?.delete(memory.id);
      let npcMemories = this.byNpc.get(memory.npcId);
      if (!npcMemories) {
        npcMemories = new Map();
        this.byNpc.set(memory.npcId, npcMemories);
      }
      npcMemories.set(memory.id, { ...memory, vector: normalised(embedding) });
      this.npcOf.set(memory.id, memory.npcId);
    }
  }

  async search(npcId: string, embedding: number[], options: SearchOptions): Promise<FoundMemory[]> {
    this.dimensions.checkQuery(embedding);
    const query = normalised(embedding);
    const inScopeMemories = [...(this.byNpc.get(npcId)?.values() ?? [])].filter((memory) =>
      inScope(memory, options),
    );
    return mostSimilar(query, inScopeMemories, options.limit);
  }

  async touch(ids: string[], at: string): Promise<void> {
    for (const id of ids) {
      const npcId = this.npcOf.get(id);
      const memory = npcId === undefined ? undefined : this.byNpc.get(npcId)?.get(id);
      if (memory) memory.lastAccessedAt = at;
    }
  }

  async count(npcId?: string): Promise<number> {
    return npcId === undefined ? this.npcOf.size : (this.byNpc.get(npcId)?.size ?? 0);
  }

  async clear(): Promise<void> {
    this.byNpc.clear();
    this.npcOf.clear();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

function inScope(memory: StoredMemory, options: SearchOptions): boolean {
  if (options.playerId !== undefined && memory.playerId !== options.playerId) return false;
  if (
    options.visibleTo !== undefined &&
    memory.playerId !== undefined &&
    memory.playerId !== options.visibleTo
  )
    return false;
  return options.kinds === undefined || options.kinds.includes(memory.kind ?? 'conversation');
}
