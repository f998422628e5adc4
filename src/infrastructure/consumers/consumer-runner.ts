import type {
  AllFilter,
  EventStore,
  Position,
  StoredEvent,
  Subscription,
} from '../event-store/event-store.ts';
import type { Logger } from '../logger.ts';
import { KeyedDispatch } from './keyed-dispatch.ts';
import type { Batch, KeyedReactorSink, Sink } from './sink.ts';

export type ConsumerState = 'stopped' | 'running' | 'paused';

export interface ConsumerStatus {
  name: string;
  state: ConsumerState;
  delivery: Sink['delivery'];
  /** The last event that took effect (-1 before the first). */
  position: Position;
  /** Matching events after `position` not yet taken (counted, never read). */
  lag: number;
  /** Failures of the batch (keyed: of the event) being retried (0 when the last delivery succeeded). */
  failures: number;
  lastError: string | null;
}

export interface ConsumerOptions {
  /** The consumer's name: in logs, status, and (reactors) the checkpoint's key. */
  name: string;
  store: EventStore;
  filter?: AllFilter;
  sink: Sink;
  logger: Logger;
  /** The most events handed to the sink at once; default 2 000. */
  maxBatch?: number;
  /**
   * How long a batch smaller than `maxBatch` waits for more events before it is handed over. 0 (the
   * default) hands over at once; read models linger (READ_MODEL_LINGER_MS) so that a busy game writes
   * them in a few large transactions a second instead of hundreds of small ones.
   */
  lingerMs?: number;
  /** Back-off after a failed batch: doubles from `retryDelayMs` up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

const DEFAULT_MAX_BATCH = 2_000;
/** A read model may be this far behind the game to be written in larger batches. */
export const READ_MODEL_LINGER_MS = 50;
const DEFAULT_RETRY_DELAY_MS = 100;
const DEFAULT_MAX_RETRY_DELAY_MS = 10_000;

/**
 * Follows the store's live subscription from a sink's checkpoint and hands the sink its events in
 * batches: whatever has already arrived, up to `maxBatch` (it never waits to fill one). A failed batch
 * is redelivered, the same events in the same order, after a growing back-off; a broken subscription
 * is reopened after the last event read. Events at or below the position are never delivered, so
 * `exclusive` can move the position (a rebuild's switch-over) while events are buffered.
 */
export class ConsumerRunner {
  readonly name: string;
  private readonly store: EventStore;
  private readonly filter: AllFilter | undefined;
  private readonly sink: Sink;
  private readonly logger: Logger;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  private readonly gathers: boolean;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;

  private state: ConsumerState = 'stopped';
  private paused = false;
  private stopping = false;
  private position: Position = -1n;
  /** The last position read from the subscription. */
  private read: Position = -1n;
  private buffer: StoredEvent[] = [];
  private subscription: Subscription | undefined;
  private loops: Promise<unknown> | undefined;
  private failures = 0;
  private lastError: string | null = null;
  /** Size of the batch that failed: the retry takes exactly those events again. */
  private retrying = 0;
  private savedCheckpoint: Position = -1n;
  private lastSaveAt = 0;
  /** Keyed reactors: the events in flight, the failing ones (position → attempts) and the next save. */
  private keyed: KeyedDispatch | undefined;
  private readonly failing = new Map<Position, number>();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();
  /** Held by each delivery and by `exclusive` tasks. */
  private lock: Promise<void> = Promise.resolve();
  private readonly wakers = new Set<() => void>();
  private readonly deliveredListeners = new Set<(position: Position) => void>();

  constructor(options: ConsumerOptions) {
    this.name = options.name;
    this.store = options.store;
    this.filter = options.filter;
    this.sink = options.sink;
    this.logger = options.logger;
    this.maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    this.lingerMs = options.lingerMs ?? 0;
    this.gathers = options.sink.delivery === 'atomic' || options.sink.delivery === 'at-least-once';
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? DEFAULT_MAX_RETRY_DELAY_MS;
    if (!Number.isSafeInteger(this.maxBatch) || this.maxBatch < 1)
      throw new RangeError(`consumer ${this.name}: maxBatch must be a positive integer`);
    if (this.sink.delivery === 'keyed-at-least-once') {
      const { maxInFlight, concurrency } = this.sink;
      for (const [what, value] of [
        ['maxInFlight', maxInFlight],
        ['concurrency', concurrency],
      ] as const)
        if (!Number.isSafeInteger(value) || value < 1)
          throw new RangeError(`consumer ${this.name}: ${what} must be a positive integer`);
    }
  }

  get delivery(): Sink['delivery'] {
    return this.sink.delivery;
  }

  /** The last event that took effect. */
  get currentPosition(): Position {
    return this.position;
  }

  /** Loads the checkpoint (or resolves the sink's start) and starts following in the background. */
  async start(): Promise<void> {
    if (this.loops) throw new Error(`consumer ${this.name} is already started`);
    this.position = await this.startPosition();
    this.read = this.position;
    this.savedCheckpoint = this.position;
    this.buffer = [];
    this.retrying = 0;
    this.stopping = false;
    this.state = this.paused ? 'paused' : 'running';
    if (this.sink.delivery === 'keyed-at-least-once') {
      this.failing.clear();
      this.keyed = this.keyedDispatch(this.sink);
      this.loops = Promise.all([this.pump(), this.dispatch(this.keyed, this.sink.maxInFlight)]);
    } else this.loops = Promise.all([this.pump(), this.deliver()]);
  }

  /**
   * Stops after the batch in progress (if any) has taken effect; buffered events are dropped (they
   * come again from the checkpoint). A keyed reactor lets the events being handled finish and drops
   * those waiting their turn. A reactor's checkpoint is saved.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.subscription?.close().catch(() => {});
    await this.loops;
    await this.keyed?.stop();
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.loops = undefined;
    this.subscription = undefined;
    this.buffer = [];
    const saved = this.keyed ? this.saveSafePosition() : this.saveReactorCheckpoint(true);
    await saved.catch((error) =>
      this.logger.warn({ err: error, consumer: this.name }, 'could not save the checkpoint on stop'),
    );
    this.state = 'stopped';
  }

  pause(): void {
    this.paused = true;
    if (this.state === 'running') this.state = 'paused';
  }

  resume(): void {
    this.paused = false;
    if (this.state === 'paused') this.state = 'running';
    this.wake();
  }

  async status(): Promise<ConsumerStatus> {
    return {
      name: this.name,
      state: this.state,
      delivery: this.sink.delivery,
      position: this.position,
      lag: await this.lag(),
      failures: this.failures,
      lastError: this.lastError,
    };
  }

  /** Matching events after the position: the store's count, or (when it cannot count) those read but not taken. */
  async lag(): Promise<number> {
    if (this.store.countEvents) return this.store.countEvents(this.filter, this.position);
    return this.buffer.filter((e) => e.position > this.position).length + (this.keyed?.inFlight ?? 0);
  }

  /**
   * Runs `task` while no batch is delivered (after the one in progress). When it returns a position,
   * the consumer continues after it: a rebuild that switched over has taken the events up to there.
   */
  async exclusive<T extends Position | undefined>(task: () => Promise<T>): Promise<T> {
    return this.withLock(async () => {
      const moved = await task();
      if (moved !== undefined && moved > this.position) this.advance(moved);
      return moved;
    });
  }

  private async withLock<T>(task: () => Promise<T>): Promise<T> {
    const previous = this.lock;
    let release!: () => void;
    this.lock = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await task();
    } finally {
      release();
      this.wake();
    }
  }

  private advance(position: Position): void {
    this.position = position;
    this.retrying = 0;
    for (const listener of this.deliveredListeners) listener(position);
  }

  /** Called after every batch that took effect, with its last position. */
  onDelivered(listener: (position: Position) => void): () => void {
    this.deliveredListeners.add(listener);
    return () => this.deliveredListeners.delete(listener);
  }

  /** Resolves once no matching event after the position is left (checked whenever the consumer is idle). */
  async caughtUp(): Promise<void> {
    while (!this.stopping) {
      if (this.idle() && !(await this.hasPending())) return;
      await this.sleep(this.retryDelayMs);
    }
  }

  private idle(): boolean {
    return this.buffer.every((e) => e.position <= this.position) && !this.keyed?.inFlight;
  }

  private async hasPending(): Promise<boolean> {
    if (this.store.countEvents) return (await this.store.countEvents(this.filter, this.position)) > 0;
    const next = await this.store.readAll({ after: this.position, filter: this.filter ?? {}, maxCount: 1 });
    return next.length > 0;
  }

  private async startPosition(): Promise<Position> {
    const sink = this.sink;
    switch (sink.delivery) {
      case 'atomic':
        return (await sink.loadCheckpoint()) ?? -1n;
      case 'at-least-once':
      case 'keyed-at-least-once':
        return (await sink.checkpoints.load(sink.checkpointName)) ?? -1n;
      case 'in-memory':
        if (sink.from === 'start') return -1n;
        return sink.from === 'end' ? this.store.headPosition() : sink.from;
    }
  }

  /** Reads the subscription into the buffer, holding back while the buffer is full. */
  private async pump(): Promise<void> {
    let delay = this.retryDelayMs;
    while (!this.stopping) {
      const subscription = this.store.subscribeToAll({
        after: this.read,
        ...(this.filter ? { filter: this.filter } : {}),
      });
      this.subscription = subscription;
      try {
        for await (const event of subscription) {
          if (this.stopping) break;
          if (event.position <= this.read) continue;
          this.buffer.push(event);
          this.read = event.position;
          delay = this.retryDelayMs;
          this.wake();
          while (!this.stopping && this.buffer.length >= this.maxBatch * 2) await this.waitForWake();
        }
      } catch (error) {
        this.logger.warn({ err: error, consumer: this.name }, 'subscription failed; reopening');
      } finally {
        await subscription.close().catch(() => {});
      }
      if (this.stopping) return;
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.maxRetryDelayMs);
    }
  }

  private async deliver(): Promise<void> {
    while (!this.stopping) {
      this.dropTaken();
      if (this.paused || this.buffer.length === 0) {
        await this.waitForWake();
        continue;
      }
      // Sinks off the action's path (read models, NPC memories) let what is on its way (the rest of a
      // page) join the batch, and lingering ones wait for more; the lanes and the outcome feed take what
      // is there at once: a turn of a busy event loop per consumer would add up along an action's path.
      if (this.gathers && this.retrying === 0 && this.buffer.length < this.maxBatch) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.lingerMs > 0 && this.buffer.length < this.maxBatch) await this.sleep(this.lingerMs);
      }
      if (this.stopping) return;
      const failed = await this.withLock(async () => {
        this.dropTaken();
        if (this.paused || this.buffer.length === 0) return false;
        const size = this.retrying || Math.min(this.buffer.length, this.maxBatch);
        const events = this.buffer.slice(0, size);
        const batch: Batch = { events, checkpoint: events.at(-1)!.position };
        try {
          await this.take(batch);
        } catch (error) {
          this.failures++;
          this.retrying = size;
          this.lastError = (error as Error).message;
          this.logger.error(
            { err: error, consumer: this.name, events: size, failures: this.failures },
            'batch failed; it will be delivered again',
          );
          return true;
        }
        this.failures = 0;
        this.lastError = null;
        this.advance(batch.checkpoint);
        return false;
      });
      if (failed && !this.stopping) {
        const backOff = Math.min(this.retryDelayMs * 2 ** (this.failures - 1), this.maxRetryDelayMs);
        await this.sleep(backOff);
      }
    }
  }

  private async take(batch: Batch): Promise<void> {
    const sink = this.sink;
    switch (sink.delivery) {
      case 'keyed-at-least-once':
        throw new Error('a keyed reactor takes events one by one');
      case 'atomic':
        return sink.apply(batch);
      case 'in-memory':
        return sink.handle(batch);
      case 'at-least-once': {
        await sink.handle(batch);
        // Saved before the position moves: a failed save redelivers the batch (the handler is idempotent).
        await this.saveReactorCheckpoint(false, batch.checkpoint);
      }
    }
  }

  private async saveReactorCheckpoint(force: boolean, position = this.position): Promise<void> {
    const sink = this.sink;
    if (sink.delivery !== 'at-least-once' || position <= this.savedCheckpoint) return;
    const every = sink.checkpointEveryMs ?? 0;
    if (!force && every > 0 && performance.now() - this.lastSaveAt < every) return;
    await sink.checkpoints.save(sink.checkpointName, position);
    this.savedCheckpoint = position;
    this.lastSaveAt = performance.now();
  }

  /** Keyed reactors: hands events over, one by one, while fewer than `maxInFlight` are in flight. */
  private async dispatch(keyed: KeyedDispatch, maxInFlight: number): Promise<void> {
    while (!this.stopping) {
      if (this.paused || this.buffer.length === 0 || keyed.inFlight >= maxInFlight) {
        await this.waitForWake();
        continue;
      }
      keyed.take(this.buffer.shift()!);
      if (this.buffer.length < this.maxBatch) this.wake();
    }
  }

  private keyedDispatch(sink: KeyedReactorSink): KeyedDispatch {
    return new KeyedDispatch({
      start: this.position,
      keyOf: (event) => sink.keyOf(event),
      handle: (event) => sink.handle(event),
      concurrency: sink.concurrency,
      retryDelayMs: this.retryDelayMs,
      maxRetryDelayMs: this.maxRetryDelayMs,
      onFailure: (event, error, attempt) => {
        this.failing.set(event.position, attempt);
        this.failures = Math.max(...this.failing.values());
        this.lastError = (error as Error).message;
        this.logger.error(
          { err: error, consumer: this.name, position: event.position, attempt },
          'event failed; it will be handled again (its key waits)',
        );
      },
      onDone: (event) => {
        if (this.failing.delete(event.position)) {
          this.failures = this.failing.size > 0 ? Math.max(...this.failing.values()) : 0;
          if (this.failing.size === 0) this.lastError = null;
        }
        const safe = this.keyed?.safePosition ?? this.position;
        if (safe > this.position) {
          this.advance(safe);
          this.scheduleSafeSave(sink.checkpointEveryMs);
        }
        this.wake();
      },
    });
  }

  /** Saves the safe position within `everyMs` of the last save (a failed save is tried again). */
  private scheduleSafeSave(everyMs: number): void {
    if (this.saveTimer || this.stopping) return;
    const wait = Math.max(0, everyMs - (performance.now() - this.lastSaveAt));
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.saveSafePosition().catch((error) => {
        this.logger.warn({ err: error, consumer: this.name }, 'could not save the checkpoint; trying later');
        this.lastSaveAt = performance.now();
        this.scheduleSafeSave(everyMs);
      });
    }, wait);
  }

  /** Saves the position (a keyed reactor's safe position), one save at a time. */
  private saveSafePosition(): Promise<void> {
    const sink = this.sink;
    if (sink.delivery !== 'keyed-at-least-once') return Promise.resolve();
    const next = this.saving.then(async () => {
      const position = this.position;
      if (position <= this.savedCheckpoint) return;
      await sink.checkpoints.save(sink.checkpointName, position);
      this.savedCheckpoint = position;
      this.lastSaveAt = performance.now();
    });
    this.saving = next.catch(() => {});
    return next;
  }

  /** Drops buffered events that already took effect (after a delivery or a switch-over). */
  private dropTaken(): void {
    let taken = 0;
    while (taken < this.buffer.length && this.buffer[taken]!.position <= this.position) taken++;
    if (taken > 0) {
      this.buffer.splice(0, taken);
      this.retrying = Math.max(0, this.retrying - taken);
      this.wake();
    }
  }

  private wake(): void {
    const wakers = [...this.wakers];
    this.wakers.clear();
    for (const waker of wakers) waker();
  }

  private waitForWake(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => this.wakers.add(resolve));
  }

  /** Sleeps, cut short by stop. */
  private sleep(ms: number): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(onWake);
        resolve();
      };
      const onWake = () => {
        if (this.stopping) done();
        else this.wakers.add(onWake);
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(onWake);
    });
  }
}
