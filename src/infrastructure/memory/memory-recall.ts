import { MAX_FACTS_RECALLED, MEMORY_KINDS } from '../../domain/memory/memory-constants.ts';
import { type ComponentScores, type RankedMemory, rankMemories } from '../../domain/memory/retrieval.ts';
import type { Embedder } from './embedder.ts';
import type { FoundMemory, NpcMemory, VectorMemory } from './vector-memory.ts';

export interface RecallRequest {
  npcId: string;
  /** Whom the NPC is talking to: their memories and the public ones are recalled, no one else's. */
  playerId: string;
  /** What the NPC is reacting to, e.g. the player's words. */
  query: string;
  now: Date;
  /** Real seconds per game hour (recency decays in game time). */
  secondsPerGameHour: number;
  /** How many memories to return besides the player's facts; default 3. */
  limit?: number;
  /** How many of the player's facts come along whatever their rank; default MAX_FACTS_RECALLED. */
  facts?: number;
  /** How many of the most similar memories to rank; default 20. */
  candidates?: number;
}

/** A memory as found, with lastAccessedAt from before this recall. */
export type RecalledMemory = RankedMemory<FoundMemory & { relevance: number }>;

export interface MemoryRecallOptions {
  embedder: Embedder;
  memory: VectorMemory;
  /** Told when a recall fell back to no memories because the embedder or the store failed. */
  onDegraded: (error: unknown) => void;
  weights?: Partial<ComponentScores>;
}

/** Every kind but facts: the ranked ones. */
const RANKED_KINDS = MEMORY_KINDS.filter((kind) => kind !== 'fact');

/**
 * Retrieval as in Generative Agents: the most similar memories, re-ranked by recency, importance,
 * relevance, among those the NPC may bring up with this player (theirs and the public ones). The
 * player's facts (what they told this NPC about themselves: few, and what a name is for) come along
 * after the ranked ones, whatever their rank.
 */
export class MemoryRecall {
  constructor(private readonly options: MemoryRecallOptions) {}

  /** The top memories, which are marked accessed now; [] (and onDegraded) when a dependency fails. */
  async recall(request: RecallRequest): Promise<RecalledMemory[]> {
    const limit = request.limit ?? 3;
    const factLimit = request.facts ?? MAX_FACTS_RECALLED;
    try {
      const [embedding] = await this.options.embedder.embed([request.query]);
      const [found, facts] = await Promise.all([
        this.options.memory.search(request.npcId, embedding!, {
          limit: Math.max(limit, request.candidates ?? 20),
          visibleTo: request.playerId,
          kinds: RANKED_KINDS,
        }),
        factLimit > 0
          ? this.options.memory.search(request.npcId, embedding!, {
              limit: factLimit,
              playerId: request.playerId,
              kinds: ['fact'],
            })
          : [],
      ]);
      const rank = (memories: FoundMemory[], top: number) =>
        rankMemories(
          memories.map((memory) => ({ ...memory, relevance: memory.similarity })),
          {
            now: request.now,
            secondsPerGameHour: request.secondsPerGameHour,
            limit: top,
            ...(this.options.weights ? { weights: this.options.weights } : {}),
          },
        );
      const recalled = [...rank(found, limit), ...rank(facts, facts.length)];
      if (recalled.length > 0) {
        await this.options.memory.touch(
          recalled.map((memory) => memory.id),
          request.now.toISOString(),
        );
      }
      return recalled;
    } catch (error) {
      this.options.onDegraded(error);
      return [];
    }
  }

  /** Embeds and stores a memory. Failures propagate: the caller retries (memories rebuild from events). */
  async remember(memory: Omit<NpcMemory, 'embedding'>): Promise<NpcMemory> {
    const [stored] = await this.rememberAll([memory]);
    return stored!;
  }

  /** Embeds the texts in one call and stores the memories in one upsert; failures propagate. */
  async rememberAll(memories: readonly Omit<NpcMemory, 'embedding'>[]): Promise<NpcMemory[]> {
    if (memories.length === 0) return [];
    const embeddings = await this.options.embedder.embed(memories.map((memory) => memory.text));
    if (embeddings.length !== memories.length)
      throw new Error(`the embedder gave ${embeddings.length} embeddings for ${memories.length} texts`);
    const stored = memories.map((memory, i) => ({ ...memory, embedding: embeddings[i]! }));
    await this.options.memory.upsert(stored);
    return stored;
  }
}
