import { type ComponentScores, type RankedMemory, rankMemories } from '../../domain/memory/retrieval.ts';
import type { Embedder } from './embedder.ts';
import type { FoundMemory, NpcMemory, VectorMemory } from './vector-memory.ts';

export interface RecallRequest {
  npcId: string;
  playerId?: string;
  /** What the NPC is reacting to, e.g. the player's words. */
  query: string;
  now: Date;
  /** Real seconds per game hour (recency decays in game time). */
  secondsPerGameHour: number;
  /** How many memories to return; default 3. */
  limit?: number;
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

/** Retrieval as in Generative Agents: the most similar memories, re-ranked by recency, importance, relevance. */
export class MemoryRecall {
  constructor(private readonly options: MemoryRecallOptions) {}

  /** The top memories, which are marked accessed now; [] (and onDegraded) when a dependency fails. */
  async recall(request: RecallRequest): Promise<RecalledMemory[]> {
    const limit = request.limit ?? 3;
    try {
      const [embedding] = await this.options.embedder.embed([request.query]);
      const found = await this.options.memory.search(request.npcId, embedding!, {
        limit: Math.max(limit, request.candidates ?? 20),
        ...(request.playerId === undefined ? {} : { playerId: request.playerId }),
      });
      const ranked = rankMemories(
        found.map((memory) => ({ ...memory, relevance: memory.similarity })),
        {
          now: request.now,
          secondsPerGameHour: request.secondsPerGameHour,
          limit,
          ...(this.options.weights ? { weights: this.options.weights } : {}),
        },
      );
      if (ranked.length > 0) {
        await this.options.memory.touch(
          ranked.map((memory) => memory.id),
          request.now.toISOString(),
        );
      }
      return ranked;
    } catch (error) {
      this.options.onDegraded(error);
      return [];
    }
  }

  /** Embeds and stores a memory. Failures propagate: the caller retries (memories rebuild from events). */
  async remember(memory: Omit<NpcMemory, 'embedding'>): Promise<NpcMemory> {
    const [embedding] = await this.options.embedder.embed([memory.text]);
    const stored = { ...memory, embedding: embedding! };
    await this.options.memory.upsert([stored]);
    return stored;
  }
}
