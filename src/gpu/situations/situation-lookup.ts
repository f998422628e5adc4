import type { Action } from '../../domain/actions.ts';
import type { Embedder } from '../../infrastructure/memory/embedder.ts';
import type { SituationStore } from '../../infrastructure/memory/situation-store.ts';
import { limits } from '../../limits.ts';
import type { ActionContext } from '../lane.ts';
import { situationQuery } from './situation-texts.ts';

export type Related = NonNullable<ActionContext['related']>;

export interface RelatedRequest {
  playerId: string;
  action: Action;
  /** What the situation already shows, never suggested again: the place and the NPCs here. */
  locationId: string;
  npcIdsHere: readonly string[];
}

/** What the action context asks: snippets related to a command, or nothing; never an error, never slow. */
export interface SituationLookup {
  related(request: RelatedRequest): Promise<Related | undefined>;
}

/** Snippets of each side given to a prompt. */
const SNIPPETS = 2;
/** Candidates read per side, so that the ones already in the situation can be left out. */
const CANDIDATES = 8;

/**
 * The lookup for the action context: the command's embedding (the NPC memory's embedder) searched in
 * the situation index. Public snippets are places and NPCs only (other than the ones already in the
 * situation); private ones are this player's own recent actions, never another's (the store's scope).
 * Bounded by `timeoutMs`: when the embedder or the store is slow or fails, the action goes on without.
 */
export class EmbeddingSituationLookup implements SituationLookup {
  private readonly timeoutMs: number;

  constructor(
    private readonly deps: {
      embedder: Embedder;
      store: SituationStore;
      onDegraded?: (error: unknown) => void;
      timeoutMs?: number;
      floor?: number;
    },
  ) {
    this.timeoutMs = deps.timeoutMs ?? limits.situationLookupMs;
  }

  async related(request: RelatedRequest): Promise<Related | undefined> {
    const query = situationQuery(request.action);
    if (!query?.trim()) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    try {
      const found = await Promise.race([this.search(query, request), timeout]);
      if (found === 'timeout') {
        this.deps.onDegraded?.(new Error(`situation lookup took over ${this.timeoutMs} ms`));
        return undefined;
      }
      return found.public.length + found.private.length > 0 ? found : undefined;
    } catch (error) {
      this.deps.onDegraded?.(error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private async search(query: string, request: RelatedRequest): Promise<Related> {
    const { store } = this.deps;
    const floor = this.deps.floor ?? similarityFloor(this.deps.embedder);
    const [embedding] = await this.deps.embedder.embed([query]);
    const [shared, own] = await Promise.all([
      store.search(embedding!, { kinds: ['place', 'npc'], limit: CANDIDATES }),
      store.search(embedding!, { kinds: ['player_action'], playerId: request.playerId, limit: SNIPPETS }),
    ]);
    const shown = new Set([`place/${request.locationId}`, ...request.npcIdsHere.map((id) => `npc/${id}`)]);
    return {
      public: shared
        .filter((found) => found.similarity >= floor && !shown.has(`${found.kind}/${found.subjectId}`))
        .slice(0, SNIPPETS)
        .map((found) => found.text),
      private: own
        .filter((found) => found.similarity >= floor && found.playerId === request.playerId)
        .map((found) => found.text),
    };
  }
}

/** The floor for this embedder's similarities (see limits.situationSimilarityFloor). */
export function similarityFloor(embedder: Pick<Embedder, 'name'>): number {
  const floors = limits.situationSimilarityFloor;
  return embedder.name === 'local-hash' ? floors.localEmbedder : floors.modelEmbedder;
}
