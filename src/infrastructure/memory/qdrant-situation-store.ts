import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import { z } from 'zod';
import { QdrantCosineStore, qdrantClient } from './qdrant-collection.ts';
import {
  checkScope,
  type FoundSituation,
  latestFirst,
  SITUATION_KINDS,
  type Situation,
  type SituationKind,
  type SituationSearch,
  type SituationStore,
} from './situation-store.ts';

export interface QdrantSituationStoreOptions {
  url: string;
  /** The NPC memory's collection name plus `_situations`. */
  collection: string;
  /** The embedder's; a collection that exists with another size is refused. */
  dimensions: number;
  apiKey?: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
}

const payloadSchema = z.object({
  kind: z.enum(SITUATION_KINDS),
  subjectId: z.string(),
  playerId: z.string().optional(),
  text: z.string(),
  createdAt: z.string(),
});

/** Points read per page while pruning a player's actions (they hold a few dozen at most). */
const SCROLL_PAGE = 256;

/**
 * Thin over Qdrant, beside the NPC memory: one collection with cosine distance, point ids are the
 * entries' UUIDs, the rest is the payload, with kind and playerId indexed for the filters.
 */
export class QdrantSituationStore extends QdrantCosineStore implements SituationStore {
  private constructor(client: QdrantClient, collection: string, dimensions: number) {
    super(client, collection, dimensions, [
      ['kind', 'keyword'],
      ['playerId', 'keyword'],
    ]);
  }

  /** Connects and creates the collection and its payload indexes when they are missing. */
  static async open(options: QdrantSituationStoreOptions): Promise<QdrantSituationStore> {
    const client = qdrantClient(options);
    const store = new QdrantSituationStore(client, options.collection, options.dimensions);
    await store.ensureCollection();
    return store;
  }

  async upsert(entries: Situation[]): Promise<void> {
    if (entries.length === 0) return;
    for (const entry of entries) {
      checkScope(entry);
      this.checkDimensions(entry.embedding);
    }
    await this.client.upsert(this.collection, {
      wait: true,
      points: entries.map(({ id, embedding, ...payload }) => ({
        id,
        vector: embedding,
        payload: payloadOf(payload),
      })),
    });
  }

  async search(embedding: number[], options: SituationSearch): Promise<FoundSituation[]> {
    this.checkDimensions(embedding);
    const filter = filterFor(options);
    if (options.limit <= 0 || !filter) return [];
    const { points } = await this.client.query(this.collection, {
      query: embedding,
      filter,
      limit: options.limit,
      with_payload: true,
      with_vector: true,
    });
    return points.map((point) => ({
      id: String(point.id),
      ...withoutUndefined(payloadSchema.parse(point.payload)),
      embedding: z.array(z.number()).parse(point.vector),
      similarity: point.score,
    }));
  }

  async prunePlayerActions(playerIds: readonly string[], keep: number): Promise<void> {
    for (const playerId of new Set(playerIds)) {
      const actions: { id: string; createdAt: string }[] = [];
      let offset: Schemas['ExtendedPointId'] | undefined;
      do {
        const page = await this.client.scroll(this.collection, {
          filter: {
            must: [
              { key: 'kind', match: { value: 'player_action' } },
              { key: 'playerId', match: { value: playerId } },
            ],
          },
          limit: SCROLL_PAGE,
          with_payload: ['createdAt'],
          with_vector: false,
          ...(offset === undefined ? {} : { offset }),
        });
        for (const point of page.points) {
          actions.push({ id: String(point.id), createdAt: z.string().parse(point.payload?.createdAt) });
        }
        const next = page.next_page_offset;
        offset = typeof next === 'string' || typeof next === 'number' ? next : undefined;
      } while (offset !== undefined);
      const old = actions.sort(latestFirst).slice(Math.max(0, keep));
      if (old.length === 0) continue;
      await this.client.delete(this.collection, {
        wait: true,
        filter: { must: [{ has_id: old.map((action) => action.id) }] },
      });
    }
  }

  async retainPublic(keepIds: ReadonlySet<string>): Promise<void> {
    await this.client.delete(this.collection, {
      wait: true,
      filter: {
        must: [{ key: 'kind', match: { any: ['place', 'npc'] } }],
        ...(keepIds.size > 0 ? { must_not: [{ has_id: [...keepIds] }] } : {}),
      },
    });
  }

  async count(kind?: SituationKind): Promise<number> {
    const { count } = await this.client.count(this.collection, {
      ...(kind === undefined ? {} : { filter: { must: [{ key: 'kind', match: { value: kind } }] } }),
      exact: true,
    });
    return count;
  }
}

function payloadOf(entry: Omit<Situation, 'id' | 'embedding'>): z.infer<typeof payloadSchema> {
  const { kind, subjectId, playerId, text, createdAt } = entry;
  return { kind, subjectId, ...(playerId === undefined ? {} : { playerId }), text, createdAt };
}

function withoutUndefined(payload: z.infer<typeof payloadSchema>): Omit<Situation, 'id' | 'embedding'> {
  const { playerId, ...rest } = payload;
  return playerId === undefined ? rest : { ...rest, playerId };
}

/** Public kinds for anyone; player actions only with their player's id. Undefined: nothing in scope. */
function filterFor(options: SituationSearch): Schemas['Filter'] | undefined {
  const publicKinds = options.kinds.filter((kind) => kind !== 'player_action');
  const either: Schemas['Condition'][] = [];
  if (publicKinds.length > 0) either.push({ key: 'kind', match: { any: publicKinds } });
  if (options.kinds.includes('player_action') && options.playerId !== undefined) {
    either.push({
      must: [
        { key: 'kind', match: { value: 'player_action' } },
        { key: 'playerId', match: { value: options.playerId } },
      ],
    });
  }
  return either.length === 0 ? undefined : { must: [{ should: either }] };
}
