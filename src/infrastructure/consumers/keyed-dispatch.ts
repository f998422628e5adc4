import type { Position, StoredEvent } from '../event-store/event-store.ts';
import { CheckpointTracker } from './checkpoint-tracker.ts';

export interface KeyedDispatchOptions {
  /** Where the consumer starts (its checkpoint). */
  start: Position;
  keyOf(event: StoredEvent): string;
  handle(event: StoredEvent): Promise<void>;
  /** Events handled at the same time, across keys. */
  concurrency: number;
  /** Back-off after a failed event: doubles from `retryDelayMs` up to `maxRetryDelayMs`. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** After each failed attempt of an event (`attempt` counts from 1). */
  onFailure(event: StoredEvent, error: unknown, attempt: number): void;
  /** After an event took effect (also one that had failed before). */
  onDone(event: StoredEvent): void;
}

/**
 * The engine of a keyed reactor: events queue per key (handled one at a time, in order, per key) and
 * run concurrently across keys. A slot of the concurrency limit is taken only at an event's turn, so
 * events waiting behind their key's earlier ones hold none. A failing event is retried with a back-off
 * (its key's later events wait behind it; other keys go on), and gives its slot back while it waits.
 *
 * On stop, the events being handled finish; those still waiting are dropped, and the safe position
 * stays below them, so they come again after a restart.
 */
export class KeyedDispatch {
  private readonly tracker: CheckpointTracker;
  private readonly queues = new Map<string, StoredEvent[]>();
  private readonly running = new Set<Promise<void>>();
  private free: number;
  private readonly slotWaiters: ((granted: boolean) => void)[] = [];
  private readonly sleepers = new Set<() => void>();
  private stopping = false;

  constructor(private readonly options: KeyedDispatchOptions) {
    if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError('concurrency must be a positive integer');
    this.tracker = new CheckpointTracker(options.start);
    this.free = options.concurrency;
  }

  /** Just below the oldest event taken and not done: everything up to it took effect. */
  get safePosition(): Position {
    return this.tracker.safePosition;
  }

  /** Events taken and not yet done (handled, or waiting for their turn or a slot). */
  get inFlight(): number {
    return this.tracker.size;
  }

  /** Takes an event (after all those taken before): it runs after its key's earlier events. */
  take(event: StoredEvent): void {
    if (this.stopping) throw new Error('the dispatch is stopping');
    this.tracker.started(event.position);
    const key = this.options.keyOf(event);
    const queue = this.queues.get(key);
    if (queue) {
      queue.push(event);
      return;
    }
    this.queues.set(key, [event]);
    const run = this.runKey(key).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Lets the events being handled finish and drops the others. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.slotWaiters.splice(0)) wake(false);
    for (const wake of [...this.sleepers]) wake();
    while (this.running.size > 0) await Promise.all(this.running);
    this.queues.clear();
  }

  private async runKey(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    while (queue.length > 0 && !this.stopping) {
      const event = queue[0]!;
      if (!(await this.handleUntilDone(event))) return;
      queue.shift();
      this.tracker.finished(event.position);
      this.options.onDone(event);
    }
    if (queue.length === 0) this.queues.delete(key);
  }

  /** False when stopped before the event took effect. */
  private async handleUntilDone(event: StoredEvent): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const release = await this.acquire();
      if (!release) return false;
      try {
        await this.options.handle(event);
        return true;
      } catch (error) {
        this.options.onFailure(event, error, attempt);
      } finally {
        release();
      }
      const { retryDelayMs, maxRetryDelayMs } = this.options;
      await this.sleep(Math.min(retryDelayMs * 2 ** (attempt - 1), maxRetryDelayMs));
    }
  }

  /** A slot (handed over in the order asked for), or undefined once stopping. */
  private async acquire(): Promise<(() => void) | undefined> {
    if (this.stopping) return undefined;
    if (this.free > 0) this.free--;
    else if (!(await new Promise<boolean>((resolve) => this.slotWaiters.push(resolve)))) return undefined;
    return () => {
      const next = this.slotWaiters.shift();
      if (next) next(true);
      else this.free++;
    };
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
