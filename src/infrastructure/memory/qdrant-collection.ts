import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import { EmbeddingDimensionError } from './vector-memory.ts';

export interface QdrantConnection {
  url: string;
  apiKey?: string;
  /** Per request; default 10 s (the client's own default is 5 minutes). */
  timeoutMs?: number;
}

export function qdrantClient(options: QdrantConnection): QdrantClient {
  return new QdrantClient({
    url: options.url,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    timeout: options.timeoutMs ?? 10_000,
    checkCompatibility: false,
  });
}

export type PayloadIndex = [field: string, schema: Schemas['PayloadFieldSchema']];

/**
 * Creates the cosine collection and its payload indexes when they are missing; a collection that
 * exists with another size or distance is refused.
 */
export async function ensureCosineCollection(
  client: QdrantClient,
  collection: string,
  dimensions: number,
  indexes: readonly PayloadIndex[],
): Promise<void> {
  if (!(await client.collectionExists(collection)).exists) {
    try {
      await client.createCollection(collection, {
        vectors: { size: dimensions, distance: 'Cosine' },
      });
    } catch (error) {
      // Another process may have created it since we looked.
      if (!(await client.collectionExists(collection)).exists) throw error;
    }
  }
  const info = await client.getCollection(collection);
  const vectors = info.config.params.vectors;
  if (!vectors || vectors.size !== dimensions || vectors.distance !== 'Cosine') {
    throw new Error(
      `Qdrant collection ${collection} holds ${JSON.stringify(vectors)}, expected ${dimensions} dimensions with Cosine distance`,
    );
  }
  for (const [field, schema] of indexes) {
    if (info.payload_schema[field]) continue;
    await client.createPayloadIndex(collection, { field_name: field, field_schema: schema, wait: true });
  }
}

/** What both Qdrant stores share: one cosine collection of fixed dimensions, with payload indexes. */
export abstract class QdrantCosineStore {
  readonly name = 'qdrant';

  protected constructor(
    protected readonly client: QdrantClient,
    protected readonly collection: string,
    protected readonly dimensions: number,
    private readonly indexes: readonly PayloadIndex[],
  ) {}

  /** Drops and recreates the collection: readers see it missing for a moment. */
  async clear(): Promise<void> {
    await this.client.deleteCollection(this.collection);
    await this.ensureCollection();
  }

  async ping(): Promise<void> {
    await this.client.collectionExists(this.collection);
  }

  async close(): Promise<void> {}

  protected async ensureCollection(): Promise<void> {
    await ensureCosineCollection(this.client, this.collection, this.dimensions, this.indexes);
  }

  protected checkDimensions(embedding: number[]): void {
    if (embedding.length !== this.dimensions)
      throw new EmbeddingDimensionError(this.dimensions, embedding.length);
  }
}
