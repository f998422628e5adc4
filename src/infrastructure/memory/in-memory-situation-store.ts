import { EmbeddingDimensions, mostSimilar, normalised, type Vectorised } from './cosine.ts';
import {
  checkScope,
  type FoundSituation,
  latestFirst,
  type Situation,
  type SituationKind,
  type SituationSearch,
  type SituationStore,
} from './situation-store.ts';

type Stored = Vectorised<Situation>;

/**
 * Exact cosine search in process: places and NPCs in one map, each player's actions in a map of their
 * own, so a search compares the query with the public entries and that one player's actions only.
 * Lost on restart: rebuilt from the world and the log.
 */
export class InMemorySituationStore implements SituationStore {
  readonly name = 'in-memory';
  private readonly publicEntries = new Map<string, Stored>();
  private readonly actionsByPlayer = new Map<string, Map<string, Stored>>();
  /** An action's player, by the action's id (an upsert may move an id from one scope to another). */
  private readonly playerOf = new Map<string, string>();

  /** Without `dimensions`, the first upserted embedding decides. */
  private readonly dimensions: EmbeddingDimensions;

  constructor(dimensions?: number) {
    this.dimensions = new EmbeddingDimensions(dimensions);
  }

  async upsert(entries: Situation[]): Promise<void> {
    for (const entry of entries) {
      checkScope(entry);
      this.dimensions.check(entry.embedding);
    }
    for (const { embedding, ...entry } of entries) {
      this.remove(entry.id);
      const stored = { ...entry, vector: normalised(embedding) };
      if (entry.kind !== 'player_action') {
        this.publicEntries.set(entry.id, stored);
        continue;
      }
      const playerId = entry.playerId!;
      let actions = this.actionsByPlayer.get(playerId);
      if (!actions) {
        actions = new Map();
        this.actionsByPlayer.set(playerId, actions);
      }
      actions.set(entry.id, stored);
      this.playerOf.set(entry.id, playerId);
    }
  }

  async search(embedding: number[], options: SituationSearch): Promise<FoundSituation[]> {
    this.dimensions.checkQuery(embedding);
    const query = normalised(embedding);
    const inScope = [
      ...[...this.publicEntries.values()].filter((entry) => options.kinds.includes(entry.kind)),
      ...(options.kinds.includes('player_action') && options.playerId !== undefined
        ? (this.actionsByPlayer.get(options.playerId)?.values() ?? [])
        : []),
    ];
    return mostSimilar(query, inScope, options.limit);
  }

  async prunePlayerActions(playerIds: readonly string[], keep: number): Promise<void> {
    for (const playerId of new Set(playerIds)) {
      const actions = [...(this.actionsByPlayer.get(playerId)?.values() ?? [])];
      for (const old of actions.sort(latestFirst).slice(Math.max(0, keep))) this.remove(old.id);
    }
  }

  async retainPublic(keepIds: ReadonlySet<string>): Promise<void> {
    for (const id of this.publicEntries.keys()) if (!keepIds.has(id)) this.publicEntries.delete(id);
  }

  async count(kind?: SituationKind): Promise<number> {
    if (kind === 'player_action') return this.playerOf.size;
    if (kind === undefined) return this.publicEntries.size + this.playerOf.size;
    let count = 0;
    for (const entry of this.publicEntries.values()) if (entry.kind === kind) count++;
    return count;
  }

  async clear(): Promise<void> {
    this.publicEntries.clear();
    this.actionsByPlayer.clear();
    this.playerOf.clear();
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  private remove(id: string): void {
    this.publicEntries.delete(id);
    const playerId = this.playerOf.get(id);
    if (playerId === undefined) return;
    this.playerOf.delete(id);
    const actions = this.actionsByPlayer.get(playerId)!;
    actions.delete(id);
    if (actions.size === 0) this.actionsByPlayer.delete(playerId);
  }
}
