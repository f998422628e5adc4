import { LRUCache } from 'lru-cache';
import { CheckpointMovedError } from '../consumers/checkpoint-moved.ts';
import {
  checkBatch,
  checkGeneration,
  freshActionsByPlayer,
  type HotState,
  type HotStateBatch,
  type HotStateClock,
  type HotStateTtls,
  type RecentAction,
  resolveTtls,
} from './hot-state.ts';

export interface MemoryHotStateOptions extends HotStateTtls, HotStateClock {
  /** Players kept per generation and kind before the least recently used is evicted; default 100 000. */
  maxPlayers?: number;
}

interface Generation {
  positions: LRUCache<string, { locationId: string; expiresAt: number }>;
  /** Per player, the actions in the window by event id. */
  actions: LRUCache<string, Map<string, RecentAction>>;
  checkpoint?: bigint;
}

/** In process, over lru-cache: the embedded default. Each batch is applied synchronously, so it is atomic. */
export class MemoryHotState implements HotState {
  readonly name = 'memory';
  private readonly generations = new Map<number, Generation>();
  private live = 0;
  private readonly ttls: Required<HotStateTtls>;
  private readonly now: () => number;
  private readonly maxPlayers: number;

  constructor(options: MemoryHotStateOptions = {}) {
    this.ttls = resolveTtls(options);
    this.now = options.now ?? Date.now;
    this.maxPlayers = options.maxPlayers ?? 100_000;
  }

  async applyBatch(generation: number, batch: HotStateBatch): Promise<void> {
    checkBatch(generation, batch);
    const now = this.now();
    const found = this.generations.get(generation)?.checkpoint;
    if (batch.expectedCheckpoint !== undefined && (found ?? -1n) !== batch.expectedCheckpoint)
      throw new CheckpointMovedError('hot-state', batch.expectedCheckpoint, found);
    const state = this.generation(generation);
    for (const { playerId, locationId, at } of batch.positions) {
      const expiresAt = at + this.ttls.positionTtlMs;
      if (expiresAt <= now) state.positions.delete(playerId);
      else state.positions.set(playerId, { locationId, expiresAt }, { ttl: expiresAt - now });
    }
    const cutoff = now - this.ttls.actionsWindowMs;
    for (const [playerId, fresh] of freshActionsByPlayer(batch.actions, now, this.ttls.actionsWindowMs)) {
      const kept = state.actions.get(playerId) ?? new Map<string, RecentAction>();
      for (const { id, actionType, at } of fresh.actions) kept.set(id, { actionType, at });
      let expiresAt = fresh.expiresAt;
      for (const [id, { at }] of kept) {
        if (at <= cutoff) kept.delete(id);
        else expiresAt = Math.max(expiresAt, at + this.ttls.actionsWindowMs);
      }
      state.actions.set(playerId, kept, { ttl: expiresAt - now });
    }
    state.checkpoint = batch.checkpoint;
  }

  async checkpoint(generation: number): Promise<bigint | undefined> {
    checkGeneration(generation);
    return this.generations.get(generation)?.checkpoint;
  }

  async liveGeneration(): Promise<number> {
    return this.live;
  }

  async switchGeneration(to: number): Promise<void> {
    checkGeneration(to);
    this.live = to;
  }

  async dropGeneration(generation: number): Promise<void> {
    checkGeneration(generation);
    this.generations.delete(generation);
  }

  async position(playerId: string, generation = this.live): Promise<string | undefined> {
    const entry = this.generations.get(generation)?.positions.get(playerId);
    return entry && entry.expiresAt > this.now() ? entry.locationId : undefined;
  }

  async recentActions(playerId: string, now: number, generation = this.live): Promise<RecentAction[]> {
    const kept = this.generations.get(generation)?.actions.get(playerId);
    if (!kept) return [];
    const cutoff = now - this.ttls.actionsWindowMs;
    return [...kept]
      .filter(([, action]) => action.at > cutoff)
      .sort(([idA, a], [idB, b]) => a.at - b.at || (idA < idB ? -1 : idA > idB ? 1 : 0))
      .map(([, { actionType, at }]) => ({ actionType, at }));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.generations.clear();
  }

  private generation(generation: number): Generation {
    let state = this.generations.get(generation);
    if (!state) {
      state = {
        positions: new LRUCache({ max: this.maxPlayers }),
        actions: new LRUCache({ max: this.maxPlayers }),
      };
      this.generations.set(generation, state);
    }
    return state;
  }
}
