import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import { z } from 'zod';
import { PLAYER_FACT_KINDS } from '../../domain/memory/facts.ts';
import { MEMORY_KINDS, type MemoryKind } from '../../domain/memory/memory-constants.ts';
import { QdrantCosineStore, qdrantClient } from './qdrant-collection.ts';
import type { FoundMemory, NpcMemory, SearchOptions, VectorMemory } from './vector-memory.ts';

export interface QdrantVectorMemoryOptions {
  url: string;
  /** Default 'npc_memories'. */
  collection?: string;
  /** The embedder's; a collection that exists with another size is refused. */
  dimensions: number;
  apiKey?: string;
  /** Per request; default 10 s (the client's own default is 5 minutes). */
  timeoutMs?: number;
}

const payloadSchema = z.object({
  npcId: z.string(),
  playerId: z.string().optional(),
  kind: z.enum(MEMORY_KINDS).optional(),
  text: z.string(),
  npcReply: z.string().optional(),
  fact: z.object({ kind: z.enum(PLAYER_FACT_KINDS), value: z.string() }).optional(),
  importance: z.number(),
  createdAt: z.string(),
  lastAccessedAt: z.string(),
});

/**
 * Thin over Qdrant: one collection with cosine distance, point ids are the memory UUIDs, the rest of
 * the memory is the payload, and npcId (a tenant index) and playerId are indexed for the filters.
 */
export class QdrantVectorMemory extends QdrantCosineStore implements VectorMemory {
  private constructor(client: QdrantClient, collection: string, dimensions: number) {
    super(client, collection, dimensions, [
      ['npcId', { type: 'keyword', is_tenant: true }],
      ['playerId', 'keyword'],
      ['kind', 'keyword'],
    ]);
  }

  /** Connects and creates the collection and its payload indexes when they are missing. */
  static async open(options: QdrantVectorMemoryOptions): Promise<QdrantVectorMemory> {
    const client = qdrantClient(options);
    const memory = new QdrantVectorMemory(client, options.collection ?? 'npc_memories', options.dimensions);
    await memory.ensureCollection();
    return memory;
  }

  async upsert(memories: NpcMemory[]): Promise<void> {
    if (memories.length === 0) return;
    for (const memory of memories) this.checkDimensions(memory.embedding);
    await this.client.upsert(this.collection, {
      wait: true,
      points: memories.map((memory) => ({
        id: memory.id,
        vector: memory.embedding,
        payload: payloadOf(memory),
      })),
    });
  }

  async search(npcId: string, embedding: number[], options: SearchOptions): Promise<FoundMemory[]> {
    this.checkDimensions(embedding);
    if (options.limit <= 0) return [];
    const { points } = await this.client.query(this.collection, {
      query: embedding,
      filter: filterFor(npcId, options),
      limit: options.limit,
      with_payload: true,
      with_vector: true,
    });
    return points.map((point) => ({
      id: String(point.id),
      ...payloadSchema.parse(point.payload),
      embedding: z.array(z.number()).parse(point.vector),
      similarity: point.score,
    }));
  }

  async touch(ids: string[], at: string): Promise<void> {
    if (ids.length === 0) return;
    // A filter, not a list of points: Qdrant refuses a list naming a point it does not hold.
    await this.client.setPayload(this.collection, {
      payload: { lastAccessedAt: at },
      filter: { must: [{ has_id: ids }] },
      wait: true,
    });
  }

  async count(npcId?: string): Promise<number> {
    const filter = npcId === undefined ? undefined : filterFor(npcId);
    const { count } = await this.client.count(this.collection, {
      ...(filter ? { filter } : {}),
      exact: true,
    });
    return count;
  }
}

function payloadOf(memory: NpcMemory): z.infer<typeof payloadSchema> {
  const { npcId, playerId, kind, text, npcReply, fact, importance, createdAt, lastAccessedAt } = memory;
  return {
    npcId,
    ...(playerId === undefined ? {} : { playerId }),
    ...(kind === undefined ? {} : { kind }),
    text,
    ...(npcReply === undefined ? {} : { npcReply }),
    ...(fact === undefined ? {} : { fact: { kind: fact.kind, value: fact.value } }),
    importance,
    createdAt,
    lastAccessedAt,
  };
}

function filterFor(npcId: string, scope: Omit<SearchOptions, 'limit'> = {}): Schemas['Filter'] {
  const must: Schemas['Condition'][] = [{ key: 'npcId', match: { value: npcId } }];
  if (scope.playerId !== undefined) must.push({ key: 'playerId', match: { value: scope.playerId } });
  if (scope.visibleTo !== undefined) {
    // Either condition: that player's, or nobody's (is_empty: the field is missing).
    must.push({
      should: [{ key: 'playerId', match: { value: scope.visibleTo } }, { is_empty: { key: 'playerId' } }],
    });
  }
  if (scope.kinds !== undefined) must.push({ should: kindConditions(scope.kinds) });
  return { must };
}

/** Memories without a kind were written before kinds existed: they are conversations. */
function kindConditions(kinds: readonly MemoryKind[]): Schemas['Condition'][] {
  const conditions: Schemas['Condition'][] = [{ key: 'kind', match: { any: [...kinds] } }];
  if (kinds.includes('conversation')) conditions.push({ is_empty: { key: 'kind' } });
  return conditions;
}
