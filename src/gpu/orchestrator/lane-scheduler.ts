import { BrokenCircuitError, CircuitState } from 'cockatiel';
import type { Metrics } from '../../infrastructure/metrics.ts';
import { type LlmBackend, LlmBackendError } from '../backends/llm-backend.ts';
import { HashRing } from './hash-ring.ts';
import {
  type BackendConfig,
  checkMaxSlots,
  createInstance,
  describeInstance,
  freeSlots,
  hasRoom,
  type Instance,
  isUsable,
  type Job,
  type LaneName,
  type LaneSchedulerOptions,
  LaneUnavailableError,
  type LaneWork,
  PRIORITIES,
  type Priority,
  predictWaitMs,
  type Running,
  resizedSlots,
  type SubmitOptions,
} from './lane-instance.ts';

export {
  type BackendConfig,
  type LaneName,
  type LaneRouting,
  type LaneSchedulerOptions,
  LaneUnavailableError,
  type LaneWork,
  PRIORITIES,
  type Priority,
  type SubmitOptions,
  type UnavailableCause,
} from './lane-instance.ts';

/**
 * One GPU lane: a priority queue in front of one or more backend instances, each with its own slots
 * and circuit breaker. Jobs go to the least-loaded healthy instance, or with affinity routing to
 * their key's instance on a consistent-hash ring; a job that would wait (or has waited) longer than
 * maxQueueWaitMs is refused at once so the player gets a template instead. Speculative jobs only
 * use slots nobody is waiting for, and give them back the moment a real job needs one.
 */
export class LaneScheduler {
  private readonly queues: Record<Priority, Job[]> = {
    combat: [],
    dialogue: [],
    exploration: [],
    speculative: [],
  };
  private instances: Instance[] = [];
  private readonly ring = new HashRing();
  private readonly options: Required<Omit<LaneSchedulerOptions, 'metrics'>> & { metrics?: Metrics };
  private nextInstance = 0;

  constructor(
    readonly lane: LaneName,
    backends: BackendConfig[],
    options: LaneSchedulerOptions,
  ) {
    this.options = {
      targetServiceMs: 2_500,
      breakerThreshold: 5,
      halfOpenAfterMs: 10_000,
      routing: 'least-loaded',
      ...options,
    };
    for (const config of backends) this.addBackend(config);
  }

  get queueDepth(): number {
    return PRIORITIES.reduce((sum, p) => sum + this.queues[p].length, 0);
  }

  /** Slots free right now on usable instances that no queued job is about to take. */
  idleSlots(): number {
    const free = this.instances.filter((i) => this.usable(i)).reduce((sum, i) => sum + freeSlots(i), 0);
    return Math.max(0, free - this.queueDepth);
  }

  /**
   * Runs `work` on a backend of this lane when a slot is free, in priority order. With a `deadline`
   * (a performance.now() instant), a job is only admitted, and only started, while a typical answer
   * can still arrive before it: waiting longer would spend GPU time on an answer nobody gets.
   * A `speculative` job never waits: it starts on a free slot or is refused, and its signal aborts
   * it (the promise rejects with LlmBackendError 'aborted') when a real job needs the slot.
   */
  submit<T>(
    priority: Priority,
    work: LaneWork<T>,
    deadline = Number.POSITIVE_INFINITY,
    options: SubmitOptions = {},
  ): Promise<T> {
    const usable = this.instances.filter((i) => this.usable(i));
    if (usable.length === 0) {
      return Promise.reject(
        new LaneUnavailableError(
          'breaker_open',
          this.instances.length === 0
            ? `the ${this.lane} lane has no backend`
            : `every ${this.lane} backend is failing; its circuit breaker is open`,
        ),
      );
    }
    const affinity = this.options.routing === 'affinity' ? options.affinity : undefined;
    if (priority === 'speculative') return this.speculate(work, deadline, affinity);
    const affordable = Math.min(
      this.options.maxQueueWaitMs,
      deadline - performance.now() - this.typicalServiceMs(usable),
    );
    let predicted = predictWaitMs(this.queues, priority, usable);
    let pinned: Instance | undefined;
    if (affinity !== undefined) {
      // Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam 2018): the key's home
      // instance unless the wait there is more than the job can afford, then the next one on the ring.
      predicted = Number.POSITIVE_INFINITY;
      for (const instance of this.ringOrder(affinity)) {
        const wait = predictWaitMs(this.queues, priority, [instance]);
        predicted = Math.min(predicted, wait);
        if (wait <= affordable) {
          pinned = instance;
          break;
        }
      }
    }
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
        affinity,
        instance: pinned,
        run: work,
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

  /** Adds an instance (a new server): with affinity routing, only the keys that now map to it move. */
  addBackend(config: BackendConfig): void {
    const name = config.backend.name;
    checkMaxSlots(name, config.maxSlots);
    if (this.instances.some((i) => i.config.backend.name === name))
      throw new Error(`the ${this.lane} lane already has a backend named ${name}`);
    const instance = createInstance(config, this.options, (state) => this.reportBreaker(instance, state));
    this.instances.push(instance);
    this.ring.add(name);
    this.reportBreaker(instance, CircuitState.Closed);
    this.reportSlots(instance);
    this.dispatch();
  }

  /** Takes an instance out: its running jobs finish, its waiting ones move to the next instance. */
  removeBackend(backendName: string): boolean {
    const before = this.instances.length;
    this.instances = this.instances.filter((i) => i.config.backend.name !== backendName);
    this.ring.remove(backendName);
    if (this.instances.length === before) return false;
    this.dispatch();
    return true;
  }

  /**
   * The server now serves `maxSlots` requests at once. Slots clamp to it at once; an instance that was
   * running at its old maximum follows the new one, a throttled one grows back as answers speed up.
   */
  setMaxSlots(backendName: string, maxSlots: number): void {
    checkMaxSlots(backendName, maxSlots);
    const instance = this.instances.find((i) => i.config.backend.name === backendName);
    if (!instance) throw new Error(`the ${this.lane} lane has no backend named ${backendName}`);
    instance.config = { ...instance.config, maxSlots };
    // A lower ceiling binds at once; a higher one is room to grow, taken a slot at a time while answers
    // stay fast and a queue waits (resizedSlots): a server that batches 16 does not answer 16 of ours
    // within our budget just because it would take them (found in the lanes bench: a jump from 4 to 16
    // on the world lane timed every answer out and opened both breakers).
    instance.slots = Math.min(
      resizedSlots(instance, this.options.targetServiceMs, this.queueDepth > 0),
      maxSlots,
    );
    this.reportSlots(instance);
    this.dispatch();
  }

  /** Per backend: slots in use, effective slots, breaker state (and ring share). For /health and tests. */
  status() {
    const shares =
      this.options.routing === 'affinity' ? this.ring.shares((name) => this.usableByName(name)) : undefined;
    return this.instances.map((i) => describeInstance(i, shares && (shares.get(i.config.backend.name) ?? 0)));
  }

  private speculate<T>(work: LaneWork<T>, deadline: number, affinity: string | undefined): Promise<T> {
    const refuse = (why: string) => {
      this.options.metrics?.speculativeJobs.inc({ lane: this.lane, outcome: 'refused' });
      return Promise.reject(
        new LaneUnavailableError('queue_wait', `no speculation on the ${this.lane} lane: ${why}`),
      );
    };
    if (this.queueDepth > 0) return refuse('real jobs are waiting');
    // Only on a healthy instance: speculation must never be the trial request of a recovering one.
    const healthy = (i: Instance) => i.breaker.state === CircuitState.Closed && hasRoom(i);
    const instance =
      affinity === undefined ? this.leastLoaded(healthy) : this.ringOrder(affinity).find(healthy);
    if (!instance) return refuse('no free slot');
    if (deadline - performance.now() < this.typicalServiceMs([instance]))
      return refuse('too little time left');
    return new Promise<T>((resolve, reject) => {
      this.start(
        {
          priority: 'speculative',
          deadline,
          enqueuedAt: performance.now(),
          affinity,
          instance,
          run: work,
          resolve: resolve as (value: unknown) => void,
          reject,
          timer: undefined,
        },
        instance,
      );
    });
  }

  private usable(instance: Instance): boolean {
    return isUsable(instance, this.options.halfOpenAfterMs);
  }

  private usableByName(name: string): boolean {
    const instance = this.instances.find((i) => i.config.backend.name === name);
    return instance !== undefined && this.usable(instance);
  }

  /** Usable instances from the key's home round the ring: a failing one hands its keys to the next. */
  private ringOrder(key: string): Instance[] {
    const order: Instance[] = [];
    for (const name of this.ring.walk(key)) {
      const instance = this.instances.find((i) => i.config.backend.name === name);
      if (instance && this.usable(instance)) order.push(instance);
    }
    return order;
  }

  private dispatch(): void {
    for (const priority of PRIORITIES) {
      const queue = this.queues[priority];
      for (let k = 0; k < queue.length; ) {
        const job = queue[k]!;
        const instance = this.roomFor(job) ?? this.preemptSpeculationFor(job);
        if (!instance) {
          k++;
          continue;
        }
        queue.splice(k, 1);
        this.reportDepth();
        if (job.deadline - performance.now() < this.typicalServiceMs([instance])) {
          clearTimeout(job.timer);
          job.reject(
            new LaneUnavailableError('queue_wait', `too little time left for a ${this.lane} answer`),
          );
          continue;
        }
        this.start(job, instance);
      }
    }
  }

  /** A free instance this job may take now, if any. */
  private roomFor(job: Job): Instance | undefined {
    if (job.affinity === undefined) return this.leastLoaded(hasRoom);
    if (!job.instance || !this.instances.includes(job.instance) || !this.usable(job.instance)) {
      // Its instance failed or left: the key's next instance on the ring (one with room if any).
      const order = this.ringOrder(job.affinity);
      job.instance = order.find(hasRoom) ?? order[0];
    }
    return job.instance && hasRoom(job.instance) ? job.instance : undefined;
  }

  /** Aborts speculation (newest first) on an instance this job could use, until a slot is free there. */
  private preemptSpeculationFor(job: Job): Instance | undefined {
    const candidates =
      job.affinity === undefined
        ? this.instances.filter((i) => this.usable(i))
        : job.instance
          ? [job.instance]
          : [];
    for (const instance of candidates) {
      while (instance.speculations.length > 0 && !hasRoom(instance))
        this.abortSpeculation(instance, instance.speculations.at(-1)!);
      if (hasRoom(instance)) return instance;
    }
    return undefined;
  }

  private abortSpeculation(instance: Instance, running: Running): void {
    running.aborted = true;
    running.controller.abort();
    instance.active--;
    instance.speculations.splice(instance.speculations.indexOf(running), 1);
    running.job.reject(new LlmBackendError('aborted', 'the speculation gave its slot to a real job'));
    this.options.metrics?.speculativeJobs.inc({ lane: this.lane, outcome: 'aborted' });
  }

  /**
   * How long an answer usually takes, capped at the queue limit: a backend that hangs must not make
   * every job look hopeless (its timeouts open the breaker instead, and trials find out when it is back).
   */
  private typicalServiceMs(instances: Instance[]): number {
    const mean = instances.reduce((sum, i) => sum + i.serviceMs, 0) / Math.max(1, instances.length);
    return Math.min(mean, this.options.maxQueueWaitMs);
  }

  private leastLoaded(eligible: (instance: Instance) => boolean): Instance | undefined {
    let best: Instance | undefined;
    const count = this.instances.length;
    for (let k = 0; k < count; k++) {
      const instance = this.instances[(this.nextInstance + k) % count]!;
      if (!eligible(instance) || !this.usable(instance)) continue;
      if (!best || instance.active / instance.slots < best.active / best.slots) best = instance;
    }
    if (best) this.nextInstance = (this.instances.indexOf(best) + 1) % count;
    return best;
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
    const backend: LlmBackend = instance.config.backend;
    const metrics = this.options.metrics;
    const speculative = job.priority === 'speculative';
    const running: Running = { job, controller: new AbortController(), aborted: false };
    const { signal } = running.controller;
    if (speculative) {
      instance.speculations.push(running);
      metrics?.speculativeJobs.inc({ lane: this.lane, outcome: 'started' });
    } else {
      metrics?.laneWait.observe({ lane: this.lane }, (performance.now() - job.enqueuedAt) / 1000);
    }
    instance.active++;
    const started = performance.now();
    // Whatever an aborted job's work throws is reported as 'aborted', which the breaker does not count.
    const work = () =>
      job.run(backend, signal).catch((error: unknown) => {
        throw signal.aborted
          ? new LlmBackendError('aborted', 'the speculation was aborted', { cause: error })
          : error;
      });
    // The slot is free again before the caller hears the answer, so its next job can have it.
    const release = () => {
      // An aborted speculation already gave its slot back and must not skew the service time.
      if (running.aborted) return;
      if (speculative) instance.speculations.splice(instance.speculations.indexOf(running), 1);
      const elapsed = performance.now() - started;
      instance.active--;
      instance.serviceMs = instance.serviceMs * 0.8 + elapsed * 0.2;
      metrics?.laneService.observe({ lane: this.lane, backend: backend.name }, elapsed / 1000);
      instance.slots = resizedSlots(instance, this.options.targetServiceMs, this.queueDepth > 0);
      this.reportSlots(instance);
      this.dispatch();
    };
    instance.breaker.execute(work).then(
      (value) => {
        release();
        job.resolve(value);
      },
      (error: unknown) => {
        release();
        job.reject(
          error instanceof BrokenCircuitError
            ? new LaneUnavailableError(
                'breaker_open',
                `${backend.name} is failing; its circuit breaker is open`,
              )
            : error,
        );
      },
    );
  }

  private reportSlots(instance: Instance): void {
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
