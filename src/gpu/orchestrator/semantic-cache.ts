import { LRUCache } from 'lru-cache';
import type { Cache } from '../../infrastructure/cache/cache.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { Embedder } from '../../infrastructure/memory/embedder.ts';
import { semanticCacheLimits } from '../../limits.ts';
import { normaliseSemanticText, wordingForm } from './semantic-wording.ts';

export { normaliseSemanticText, semanticText, wordingForm } from './semantic-wording.ts';

export const SEMANTIC_SIMILARITY_THRESHOLD: number = semanticCacheLimits.similarityThreshold;

/**
 * `bucket`: an exact cache key of everything the answer depends on except the wording (it already
 * holds the kind, the world version and the scope); `text`: the wording.
 */
export interface SemanticLookup {
  bucket: string;
  text: string;
}

export interface SemanticHit {
  /** The exact cache key the similar request's answer was stored under. */
  answerKey: string;
  similarity: number;
}

export interface SemanticCacheDeps {
  cache: Cache;
  embedder: Embedder;
  threshold?: number;
  maxPerBucket?: number;
  logger?: Logger;
}

/** What a bucket holds in the cache; short field names, as a bucket is read on every lookup. */
interface StoredBucket {
  entries: StoredEntry[];
}
interface StoredEntry {
  /** The wording's embedding, rounded. */
  e: number[];
  /** Where its answer is. */
  k: string;
  /** Epoch ms, the answer's own expiry. */
  x: number;
  /** Its wordingForm: only a wording of the same form may match it. */
  f: string;
}

/**
 * Similar, not only identical, requests share an answer: per bucket a short list of the wordings
 * answered (their embeddings) and where each answer is; a lookup embeds its wording and takes the
 * most similar one at or above the threshold (wordingSimilarity: 0 between wordings of different
 * forms, negated or not, asking or telling, which embeddings are blind to). Stored through the Cache
 * port, so processes share it when the cache is Redis.
 *
 * Scope: a lookup only ever compares within its own bucket, and the bucket key holds the scope, so a
 * player's private bucket is only ever found by that player.
 *
 * Concurrency: `remember` reads, edits and writes the bucket; two processes remembering into one
 * bucket at once may lose one of the two entries (it only costs a future miss). A bucket value that
 * is not what this class writes is dropped and counted, never thrown.
 *
 * Neither method throws: a failing embedder or cache is a miss (find) or nothing remembered.
 */
export class SemanticCache {
  readonly threshold: number;
  readonly maxPerBucket: number;
  /** Counters for tests and metrics. */
  readonly counts = { hits: 0, misses: 0, corruptBuckets: 0, embedFailures: 0, cacheFailures: 0 };
  private readonly queryEmbeddings: LRUCache<string, number[]>;

  constructor(private readonly deps: SemanticCacheDeps) {
    this.threshold = deps.threshold ?? SEMANTIC_SIMILARITY_THRESHOLD;
    this.maxPerBucket = deps.maxPerBucket ?? semanticCacheLimits.maxEntriesPerBucket;
    if (!(this.threshold > 0 && this.threshold <= 1))
      throw new RangeError(`semantic cache threshold must be in (0, 1], got ${this.threshold}`);
    if (!Number.isInteger(this.maxPerBucket) || this.maxPerBucket < 1)
      throw new RangeError(
        `semantic cache maxPerBucket must be a positive integer, got ${this.maxPerBucket}`,
      );
    this.queryEmbeddings = new LRUCache({ max: semanticCacheLimits.queryEmbeddingsKept });
  }

  async find(lookup: SemanticLookup): Promise<SemanticHit | undefined> {
    const hit = await this.findUncounted(lookup);
    if (hit) this.counts.hits++;
    else this.counts.misses++;
    return hit;
  }

  async remember(lookup: SemanticLookup, answerKey: string, ttlMs: number): Promise<void> {
    const text = normaliseSemanticText(lookup.text);
    if (text === undefined || !(ttlMs > 0)) return;
    const embedding = await this.embed(text);
    if (!embedding) return;
    const key = semanticBucketKey(lookup.bucket);
    const now = Date.now();
    try {
      const live = (await this.readBucket(key, now)).filter((entry) => entry.k !== answerKey);
      const entries = [...live, { e: embedding, k: answerKey, x: now + ttlMs, f: wordingForm(text) }].slice(
        -this.maxPerBucket,
      );
      const lastExpiry = Math.max(...entries.map((entry) => entry.x));
      await this.deps.cache.set<StoredBucket>(key, { entries }, lastExpiry - now);
    } catch (error) {
      this.cacheFailed(error);
    }
  }

  private async findUncounted(lookup: SemanticLookup): Promise<SemanticHit | undefined> {
    const text = normaliseSemanticText(lookup.text);
    if (text === undefined) return undefined;
    let entries: StoredEntry[];
    try {
      entries = await this.readBucket(semanticBucketKey(lookup.bucket), Date.now());
    } catch (error) {
      this.cacheFailed(error);
      return undefined;
    }
    // An empty bucket needs no embedding call.
    if (entries.length === 0) return undefined;
    const query = await this.embed(text);
    if (!query) return undefined;
    const asked = { form: wordingForm(text), embedding: query };
    let best: SemanticHit | undefined;
    for (const entry of entries) {
      const similarity = wordingSimilarity(asked, { form: entry.f, embedding: entry.e });
      if (similarity >= this.threshold && (!best || similarity > best.similarity))
        best = { answerKey: entry.k, similarity };
    }
    return best;
  }

  /** The bucket's unexpired entries; a value of another shape is dropped (and counted). */
  private async readBucket(key: string, now: number): Promise<StoredEntry[]> {
    const value = await this.deps.cache.get<unknown>(key);
    if (value === undefined) return [];
    if (!isStoredBucket(value)) {
      this.counts.corruptBuckets++;
      this.deps.logger?.warn({ bucket: key }, 'semantic cache bucket unreadable, dropped');
      await this.deps.cache.delete(key);
      return [];
    }
    return value.entries.filter((entry) => entry.x > now);
  }

  private async embed(text: string): Promise<number[] | undefined> {
    const known = this.queryEmbeddings.get(text);
    if (known) return known;
    try {
      const [vector] = await this.deps.embedder.embed([text]);
      if (!vector || vector.length === 0 || !vector.every(Number.isFinite))
        throw new Error(`${this.deps.embedder.name} gave no usable embedding`);
      const rounded = roundEmbedding(vector);
      this.queryEmbeddings.set(text, rounded);
      return rounded;
    } catch (error) {
      this.counts.embedFailures++;
      this.deps.logger?.debug({ err: error }, 'semantic cache: embedding failed, a miss');
      return undefined;
    }
  }

  private cacheFailed(error: unknown): void {
    this.counts.cacheFailures++;
    this.deps.logger?.warn({ err: error }, 'semantic cache unavailable');
  }
}

export interface EmbeddedWording {
  form: string;
  embedding: readonly number[];
}

/**
 * How alike two wordings are for the cache: their cosine similarity, or 0 when their forms differ
 * (wordingForm) or another embedder wrote one of them (other dimensions).
 */
export function wordingSimilarity(a: EmbeddedWording, b: EmbeddedWording): number {
  if (a.form !== b.form || a.embedding.length !== b.embedding.length) return 0;
  return cosineSimilarity(a.embedding, b.embedding);
}

/** Cosine similarity; 0 when either vector is all zeros (a text with no words is similar to nothing). */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new RangeError(`vectors of ${a.length} and ${b.length} dimensions`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** As stored in a bucket; the evaluator rounds the same way so its figures are the cache's. */
export function roundEmbedding(vector: readonly number[]): number[] {
  const scale = 10 ** semanticCacheLimits.embeddingDecimals;
  return vector.map((value) => Math.round(value * scale) / scale);
}

/** After the bucket, so deleting a kind's or world version's keys by prefix takes its buckets too. */
export function semanticBucketKey(bucket: string): string {
  return `${bucket}:similar`;
}

function isStoredBucket(value: unknown): value is StoredBucket {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as StoredBucket).entries))
    return false;
  return (value as StoredBucket).entries.every(
    (entry) =>
      typeof entry === 'object' &&
      entry !== null &&
      typeof entry.k === 'string' &&
      typeof entry.x === 'number' &&
      typeof entry.f === 'string' &&
      Array.isArray(entry.e) &&
      entry.e.every((n) => typeof n === 'number'),
  );
}
