import { dot, normalised } from './in-memory-vector-memory.ts';
import {
  checkScope,
  EmbeddingDimensionError,
  type FoundSituation,
  latestFirst,
  type Situation,
  type SituationKind,
  type SituationSearch,
  type SituationStore,
} from './situation-store.ts';

type Stored = Omit<Situation, 'embedding'> & { vector: Float32Array };

/**
 * Exact cosine search in process (a world's places and NPCs and a few dozen actions per player online:
 * a search is one dot product per entry in scope). Lost on restart: rebuilt from the world and the log.
 */
export class InMemorySituationStore implements SituationStore {
  readonly name = 'in-memory';
  private readonly entries = new Map<string, Stored>();

  /** Without `dimensions`, the first upserted embedding decides. */
  constructor(private dimensions?: number) {}

  async upsert(entries: Situation[]): Promise<void> {
    for (const entry of entries) {
      checkScope(entry);
      this.checkDimensions(entry.embedding);
    }
    for (const { embedding, ...entry } of entries) {
      this.entries.set(entry.id, { ...entry, vector: normalised(embedding) });
    }
  }

  async search(embedding: number[], options: SituationSearch): Promise<FoundSituation[]> {
    if (this.dimensions !== undefined) this.checkDimensions(embedding);
    const query = normalised(embedding);
    const found: { entry: Stored; similarity: number }[] = [];
    for (const entry of this.entries.values()) {
      if (!inScope(entry, options)) continue;
      // float32 rounding can step just outside -1..1
      found.push({ entry, similarity: Math.min(1, Math.max(-1, dot(query, entry.vector))) });
    }
    return found
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, Math.max(0, options.limit))
      .map(({ entry: { vector, ...entry }, similarity }) => ({
        ...entry,
        embedding: Array.from(vector),
        similarity,
      }));
  }

  async prunePlayerActions(playerIds: readonly string[], keep: number): Promise<void> {
    const players = new Set(playerIds);
    const byPlayer = new Map<string, Stored[]>();
    for (const entry of this.entries.values()) {
      if (entry.kind !== 'player_action' || !players.has(entry.playerId!)) continue;
      const actions = byPlayer.get(entry.playerId!) ?? [];
      actions.push(entry);
      byPlayer.set(entry.playerId!, actions);
    }
    for (const actions of byPlayer.values()) {
      for (const old of actions.sort(latestFirst).slice(Math.max(0, keep))) this.entries.delete(old.id);
    }
  }

  async retainPublic(keepIds: ReadonlySet<string>): Promise<void> {
    for (const [id, entry] of this.entries) {
      if (entry.kind !== 'player_action' && !keepIds.has(id)) this.entries.delete(id);
    }
  }

  async count(kind?: SituationKind): Promise<number> {
    if (kind === undefined) return this.entries.size;
    let count = 0;
    for (const entry of this.entries.values()) if (entry.kind === kind) count++;
    return count;
  }

  async clear(): Promise<void> {
    this.entries.clear();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  private checkDimensions(embedding: number[]): void {
    this.dimensions ??= embedding.length;
    if (embedding.length !== this.dimensions)
      throw new EmbeddingDimensionError(this.dimensions, embedding.length);
  }
}

function inScope(entry: Stored, options: SituationSearch): boolean {
  if (!options.kinds.includes(entry.kind)) return false;
  return (
    entry.kind !== 'player_action' || (options.playerId !== undefined && entry.playerId === options.playerId)
  );
}
