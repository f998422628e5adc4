import { EmbeddingDimensionError } from './vector-memory.ts';

/** An entry held in process with its embedding as a unit vector. */
export type WithVector = { vector: Float32Array };

/** An entry with an embedding, as held in process: the embedding as a unit vector. */
export type Vectorised<T extends { embedding: number[] }> = Omit<T, 'embedding'> & WithVector;

/** An in-process store's embedding size: without `expected`, the first embedding stored decides. */
export class EmbeddingDimensions {
  constructor(private expected?: number) {}

  /** Before storing: sets the size when none is known yet. */
  check(embedding: number[]): void {
    this.expected ??= embedding.length;
    if (embedding.length !== this.expected)
      throw new EmbeddingDimensionError(this.expected, embedding.length);
  }

  /** A query against a store that has not learnt its size yet (it holds nothing) is not checked. */
  checkQuery(embedding: number[]): void {
    if (this.expected !== undefined) this.check(embedding);
  }
}

export type Ranked<T extends WithVector> = Omit<T, 'vector'> & { embedding: number[]; similarity: number };

/** Exact cosine search: the `limit` entries most similar to the unit vector `query`, best first. */
export function mostSimilar<T extends WithVector>(
  query: Float32Array,
  entries: Iterable<T>,
  limit: number,
): Ranked<T>[] {
  const found: { entry: T; similarity: number }[] = [];
  // float32 rounding can step just outside -1..1
  for (const entry of entries)
    found.push({ entry, similarity: Math.min(1, Math.max(-1, dot(query, entry.vector))) });
  return found
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, Math.max(0, limit))
    .map(({ entry: { vector, ...entry }, similarity }) => ({
      ...entry,
      embedding: Array.from(vector),
      similarity,
    }));
}

/** The unit vector in float32; the zero vector stays zero (similar to nothing). */
export function normalised(embedding: number[]): Float32Array {
  const vector = Float32Array.from(embedding);
  const norm = Math.sqrt(dot(vector, vector));
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
