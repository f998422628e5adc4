import {
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import type { Metrics } from '../../infrastructure/metrics.ts';
import { type LlmBackend, LlmBackendError } from '../backends/llm-backend.ts';

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

/** An instance as /health shows it; `ringShare` is its part of the hash ring with affinity routing. */
export function describeInstance(instance: Instance, ringShare: number | undefined) {
  return {
    backend: instance.config.backend.name,
    active: instance.active,
    slots: instance.slots,
    maxSlots: instance.config.maxSlots,
    breaker: BREAKER_STATE_NAMES[instance.breaker.state],
    serviceMs: Math.round(instance.serviceMs),
    speculative: instance.speculations.length,
    ...(ringShare === undefined ? {} : { ringShare: Math.round(ringShare * 1000) / 1000 }),
  };
}

export const hasRoom = (instance: Instance) => instance.active < instance.slots;

export const freeSlots = (instance: Instance) => Math.max(0, instance.slots - instance.active);

export function checkMaxSlots(backendName: string, maxSlots: number): void {
  if (!Number.isInteger(maxSlots) || maxSlots < 1)
    throw new RangeError(`maxSlots of ${backendName} must be a positive integer, got ${maxSlots}`);
}

export type LaneName = 'world' | 'npc';

export type UnavailableCause = 'queue_wait' | 'breaker_open';

/** The lane cannot take the job: the caller answers without the LLM. */
export class LaneUnavailableError extends Error {
  override readonly name = 'LaneUnavailableError';
  constructor(
    readonly reason: UnavailableCause,
    message: string,
  ) {
    super(message);
  }
}

/** Failures that say something about the backend's health (not the model's output or our deadline). */
const isBackendFailure = (error: unknown) =>
  error instanceof LlmBackendError &&
  (error.failure === 'timeout' || error.failure === 'unavailable' || error.failure === 'http_error');

export interface InstanceSettings {
  targetServiceMs: number;
  breakerThreshold: number;
  halfOpenAfterMs: number;
}

/** A backend with all its slots and a closed breaker that reports its state changes. */
export function createInstance(
  config: BackendConfig,
  settings: InstanceSettings,
  onBreakerState: (state: CircuitState) => void,
): Instance {
  const breaker = circuitBreaker(handleWhen(isBackendFailure), {
    halfOpenAfter: settings.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(settings.breakerThreshold),
  });
  const instance: Instance = {
    config,
    slots: config.maxSlots,
    active: 0,
    breaker,
    serviceMs: settings.targetServiceMs / 2,
    openedAt: 0,
    speculations: [],
  };
  breaker.onStateChange(onBreakerState);
  breaker.onBreak(() => {
    instance.openedAt = performance.now();
  });
  return instance;
}

/** `least-loaded`: any instance; `affinity`: a job's affinity key picks its instance on a hash ring. */
export type LaneRouting = 'least-loaded' | 'affinity';

export interface LaneSchedulerOptions {
  /** A job whose predicted or actual wait for a slot is longer is refused (template answer). */
  maxQueueWaitMs: number;
  /** Slots shrink while answers take longer than this and grow back while they are faster. */
  targetServiceMs?: number;
  /** Consecutive backend failures that open its circuit breaker. */
  breakerThreshold?: number;
  /** How long an open breaker waits before letting one trial request through. */
  halfOpenAfterMs?: number;
  routing?: LaneRouting;
  metrics?: Metrics;
}

export interface SubmitOptions {
  /** With `routing: 'affinity'`: jobs with the same key (a region id) go to the same instance. */
  affinity?: string;
}

/** Healthy, or open long enough that the breaker will let a trial request through. */
export function isUsable(instance: Instance, halfOpenAfterMs: number): boolean {
  const state = instance.breaker.state;
  if (state === CircuitState.Closed || state === CircuitState.HalfOpen) return true;
  return state === CircuitState.Open && performance.now() - instance.openedAt >= halfOpenAfterMs;
}

/**
 * Jobs of this priority or higher that could take these instances' slots, spread over them. A slot
 * held by speculation counts as free: a real job takes it at once by aborting the speculation.
 */
export function predictWaitMs(
  queues: Record<Priority, Job[]>,
  priority: Priority,
  instances: Instance[],
): number {
  const free = instances.reduce((sum, i) => sum + freeSlots(i) + i.speculations.length, 0);
  const ahead = PRIORITIES.slice(0, PRIORITIES.indexOf(priority) + 1).reduce(
    (sum, p) => sum + queues[p].filter((job) => !job.instance || instances.includes(job.instance)).length,
    0,
  );
  if (free > ahead) return 0;
  const capacity = instances.reduce((sum, i) => sum + i.slots, 0);
  const service = instances.reduce((sum, i) => sum + i.serviceMs, 0) / instances.length;
  return Math.ceil((ahead - free + 1) / Math.max(1, capacity)) * service;
}

/** Dynamic slot sizing: fewer parallel requests while answers are slow, more while a queue waits. */
export function resizedSlots(instance: Instance, targetServiceMs: number, queueWaiting: boolean): number {
  if (instance.serviceMs > targetServiceMs && instance.slots > 1) return instance.slots - 1;
  if (instance.serviceMs < targetServiceMs * 0.7 && queueWaiting && instance.slots < instance.config.maxSlots)
    return instance.slots + 1;
  return instance.slots;
}
