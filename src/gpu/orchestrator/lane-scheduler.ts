import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
} from 'cockatiel';
import type { Metrics } from '../../infrastructure/metrics.ts';
import { type LlmBackend, LlmBackendError } from '../backends/llm-backend.ts';

/** The seed's priorities: combat before dialogue before exploration. */
export const PRIORITIES = ['combat', 'dialogue', 'exploration'] as const;
export type Priority = (typeof PRIORITIES)[number];
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

export interface BackendConfig {
  backend: LlmBackend;
  /** Requests the backend serves at once (what OLLAMA_NUM_PARALLEL or the server's batch allows). */
  maxSlots: number;
}

export interface LaneSchedulerOptions {
  /** A job whose predicted or actual wait for a slot is longer is refused (template answer). */
  maxQueueWaitMs: number;
  /** Slots shrink while answers take longer than this and grow back while they are faster. */
  targetServiceMs?: number;
  /** Consecutive backend failures that open its circuit breaker. */
  breakerThreshold?: number;
  /** How long an open breaker waits before letting one trial request through. */
  halfOpenAfterMs?: number;
  metrics?: Metrics;
}

interface Instance {
  config: BackendConfig;
  slots: number;
  active: number;
  breaker: CircuitBreakerPolicy;
  /** Exponentially weighted mean service time. */
  serviceMs: number;
  openedAt: number;
}

interface Job {
  priority: Priority;
  deadline: number;
  enqueuedAt: number;
  run: (backend: LlmBackend) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

const BREAKER_STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** Failures that say something about the backend's health (not the model's output or our deadline). */
const isBackendFailure = (error: unknown) =>
  error instanceof LlmBackendError &&
  (error.failure === 'timeout' || error.failure === 'unavailable' || error.failure === 'http_error');

/**
 * One GPU lane: a priority queue in front of one or more backend instances, each with its own slots
 * and circuit breaker. Jobs go to the least-loaded healthy instance; a job that would wait (or has
 * waited) longer than maxQueueWaitMs is refused at once so the player gets a template instead.
 */
export class LaneScheduler {
  private readonly queues: Record<Priority, Job[]> = { combat: [], dialogue: [], exploration: [] };
  private readonly instances: Instance[];
  private readonly options: Required<Omit<LaneSchedulerOptions, 'metrics'>> & { metrics?: Metrics };
  private nextInstance = 0;

  constructor(
    readonly lane: LaneName,
    backends: BackendConfig[],
    options: LaneSchedulerOptions,
  ) {
    this.options = { targetServiceMs: 2_500, breakerThreshold: 5, halfOpenAfterMs: 10_000, ...options };
    this.instances = backends.map((config) => {
      const breaker = circuitBreaker(handleWhen(isBackendFailure), {
        halfOpenAfter: this.options.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.options.breakerThreshold),
      });
      const instance: Instance = {
        config,
        slots: config.maxSlots,
        active: 0,
        breaker,
        serviceMs: this.options.targetServiceMs / 2,
        openedAt: 0,
      };
      breaker.onStateChange((state) => this.reportBreaker(instance, state));
      breaker.onBreak(() => {
        instance.openedAt = performance.now();
      });
      this.reportBreaker(instance, CircuitState.Closed);
      this.options.metrics?.laneSlots.set({ lane, backend: config.backend.name }, instance.slots);
      return instance;
    });
  }

  get queueDepth(): number {
    return PRIORITIES.reduce((sum, p) => sum + this.queues[p].length, 0);
  }

  /**
   * Runs `work` on a backend of this lane when a slot is free, in priority order. With a `deadline`
   * (a performance.now() instant), a job is only admitted, and only started, while a typical answer
   * can still arrive before it: waiting longer would spend GPU time on an answer nobody gets.
   */
  submit<T>(
    priority: Priority,
    work: (backend: LlmBackend) => Promise<T>,
    deadline = Number.POSITIVE_INFINITY,
  ): Promise<T> {
    const usable = this.instances.filter((i) => this.usable(i));
    if (usable.length === 0) {
      return Promise.reject(
        new LaneUnavailableError(
          'breaker_open',
          `every ${this.lane} backend is failing; its circuit breaker is open`,
        ),
      );
    }
    const predicted = this.predictWaitMs(priority, usable);
    const affordable = Math.min(
      this.options.maxQueueWaitMs,
      deadline - performance.now() - this.typicalServiceMs(usable),
    );
    if (predicted > affordable || affordable <= 0) {
      return Promise.reject(
        new LaneUnavailableError(
          'queue_wait',
          `the ${this.lane} lane would make this wait about ${Math.round(predicted)} ms`,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = {
        priority,
        deadline,
        enqueuedAt: performance.now(),
        run: work as (backend: LlmBackend) => Promise<unknown>,
        resolve: resolve as (value: unknown) => void,
        reject,
        timer: setTimeout(() => {
          if (!this.remove(job)) return;
          reject(
            new LaneUnavailableError(
              'queue_wait',
              `waited ${Math.round(affordable)} ms for a ${this.lane} slot`,
            ),
          );
        }, affordable),
      };
      this.queues[priority].push(job);
      this.reportDepth();
      this.dispatch();
    });
  }

  /** Per backend: slots in use, effective slots, breaker state. For /health and tests. */
  status() {
    return this.instances.map((i) => ({
      backend: i.config.backend.name,
      active: i.active,
      slots: i.slots,
      maxSlots: i.config.maxSlots,
      breaker: BREAKER_STATE_NAMES[i.breaker.state],
      serviceMs: Math.round(i.serviceMs),
    }));
  }

  /** Healthy, or open long enough that the breaker will let a trial request through. */
  private usable(instance: Instance): boolean {
    const state = instance.breaker.state;
    if (state === CircuitState.Closed || state === CircuitState.HalfOpen) return true;
    return (
      state === CircuitState.Open && performance.now() - instance.openedAt >= this.options.halfOpenAfterMs
    );
  }

  private predictWaitMs(priority: Priority, usable: Instance[]): number {
    const free = usable.reduce((sum, i) => sum + Math.max(0, i.slots - i.active), 0);
    const ahead = PRIORITIES.slice(0, PRIORITIES.indexOf(priority) + 1).reduce(
      (sum, p) => sum + this.queues[p].length,
      0,
    );
    if (free > ahead) return 0;
    const capacity = usable.reduce((sum, i) => sum + i.slots, 0);
    const service = usable.reduce((sum, i) => sum + i.serviceMs, 0) / usable.length;
    return Math.ceil((ahead - free + 1) / capacity) * service;
  }

  private dispatch(): void {
    for (;;) {
      const instance = this.leastLoaded();
      if (!instance) return;
      const job = this.takeNext();
      if (!job) return;
      if (job.deadline - performance.now() < this.typicalServiceMs([instance])) {
        clearTimeout(job.timer);
        job.reject(new LaneUnavailableError('queue_wait', `too little time left for a ${this.lane} answer`));
        continue;
      }
      this.start(job, instance);
    }
  }

  /**
   * How long an answer usually takes, capped at the queue limit: a backend that hangs must not make
   * every job look hopeless (its timeouts open the breaker instead, and trials find out when it is back).
   */
  private typicalServiceMs(instances: Instance[]): number {
    const mean = instances.reduce((sum, i) => sum + i.serviceMs, 0) / Math.max(1, instances.length);
    return Math.min(mean, this.options.maxQueueWaitMs);
  }

  private leastLoaded(): Instance | undefined {
    let best: Instance | undefined;
    for (let k = 0; k < this.instances.length; k++) {
      const instance = this.instances[(this.nextInstance + k) % this.instances.length]!;
      if (instance.active >= instance.slots || !this.usable(instance)) continue;
      if (!best || instance.active / instance.slots < best.active / best.slots) best = instance;
    }
    if (best) this.nextInstance = (this.instances.indexOf(best) + 1) % this.instances.length;
    return best;
  }

  private takeNext(): Job | undefined {
    for (const priority of PRIORITIES) {
      const job = this.queues[priority].shift();
      if (job) {
        this.reportDepth();
        return job;
      }
    }
    return undefined;
  }

  private remove(job: Job): boolean {
    const queue = this.queues[job.priority];
    const index = queue.indexOf(job);
    if (index < 0) return false;
    queue.splice(index, 1);
    this.reportDepth();
    return true;
  }

  private start(job: Job, instance: Instance): void {
    clearTimeout(job.timer);
    const backendName = instance.config.backend.name;
    const metrics = this.options.metrics;
    metrics?.laneWait.observe({ lane: this.lane }, (performance.now() - job.enqueuedAt) / 1000);
    instance.active++;
    const started = performance.now();
    instance.breaker
      .execute(() => job.run(instance.config.backend))
      .then(job.resolve, (error: unknown) => {
        job.reject(
          error instanceof BrokenCircuitError
            ? new LaneUnavailableError(
                'breaker_open',
                `${backendName} is failing; its circuit breaker is open`,
              )
            : error,
        );
      })
      .finally(() => {
        const elapsed = performance.now() - started;
        instance.active--;
        instance.serviceMs = instance.serviceMs * 0.8 + elapsed * 0.2;
        metrics?.laneService.observe({ lane: this.lane, backend: backendName }, elapsed / 1000);
        this.resize(instance);
        this.dispatch();
      });
  }

  /** Dynamic slot sizing: fewer parallel requests while answers are slow, more while a queue waits. */
  private resize(instance: Instance): void {
    const target = this.options.targetServiceMs;
    if (instance.serviceMs > target && instance.slots > 1) instance.slots--;
    else if (
      instance.serviceMs < target * 0.7 &&
      this.queueDepth > 0 &&
      instance.slots < instance.config.maxSlots
    )
      instance.slots++;
    this.options.metrics?.laneSlots.set(
      { lane: this.lane, backend: instance.config.backend.name },
      instance.slots,
    );
  }

  private reportDepth(): void {
    this.options.metrics?.laneQueueDepth.set({ lane: this.lane }, this.queueDepth);
  }

  private reportBreaker(instance: Instance, state: CircuitState): void {
    const value = state === CircuitState.Closed ? 0 : state === CircuitState.HalfOpen ? 1 : 2;
    this.options.metrics?.breakerState.set({ lane: this.lane, backend: instance.config.backend.name }, value);
  }
}
