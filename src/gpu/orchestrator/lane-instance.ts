import { type CircuitBreakerPolicy, CircuitState } from 'cockatiel';
import type { LlmBackend } from '../backends/llm-backend.ts';

/** The seed's priorities: combat before dialogue before exploration; speculation only on idle slots. */
export const PRIORITIES = ['combat', 'dialogue', 'exploration', 'speculative'] as const;
export type Priority = (typeof PRIORITIES)[number];

export interface BackendConfig {
  backend: LlmBackend;
  /** Requests the backend serves at once (what OLLAMA_NUM_PARALLEL or the server's batch allows). */
  maxSlots: number;
}

/** Job work: the backend to ask, and a signal that fires when a speculative job must give way. */
export type LaneWork<T> = (backend: LlmBackend, signal: AbortSignal) => Promise<T>;

export interface Job {
  priority: Priority;
  deadline: number;
  enqueuedAt: number;
  /** The region (or other key) whose prompts should keep hitting the same instance's prefix cache. */
  affinity: string | undefined;
  /** Where an affinity job waits: its home on the ring, or the next instance with room. */
  instance: Instance | undefined;
  run: LaneWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

export interface Running {
  job: Job;
  controller: AbortController;
  /** Aborted: its slot is already free and its promise already rejected. */
  aborted: boolean;
}

export interface Instance {
  config: BackendConfig;
  slots: number;
  active: number;
  breaker: CircuitBreakerPolicy;
  /** Exponentially weighted mean service time. */
  serviceMs: number;
  openedAt: number;
  /** Speculative jobs running here, newest last: the ones a real job may preempt. */
  speculations: Running[];
}

export const BREAKER_STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

export const hasRoom = (instance: Instance) => instance.active < instance.slots;

export const freeSlots = (instance: Instance) => Math.max(0, instance.slots - instance.active);

export function checkMaxSlots(backendName: string, maxSlots: number): void {
  if (!Number.isInteger(maxSlots) || maxSlots < 1)
    throw new RangeError(`maxSlots of ${backendName} must be a positive integer, got ${maxSlots}`);
}
