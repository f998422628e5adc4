import { AppendWithdrawnError, type NewEvent } from './event-store.ts';

/** One append as the batch function takes it. */
export interface QueuedAppend {
  streamId: string;
  /** 'any' | 'no_stream' | 'stream_exists' | a revision in decimal. */
  expected: string;
  events: readonly NewEvent[];
}

/** What the store said about one append of a batch. */
export type AppendOutcome =
  | { status: 'appended' | 'duplicate'; nextRevision: bigint; lastPosition: bigint }
  | { status: 'conflict'; actualRevision: bigint }
  | { status: 'partial' };

export interface GroupCommitOptions {
  /** Sends one batch; answers one outcome per append, in order. Rejects when the whole batch failed. */
  send(batch: readonly QueuedAppend[]): Promise<AppendOutcome[]>;
  /** The batch failed for one append's sake (bad data), not the store's: retry each append alone. */
  isolatable(error: unknown): boolean;
  /** Appends in one batch at most; more wait for the next. */
  maxAppends?: number;
  /** Events in one batch at most (a single larger append still goes alone). */
  maxEvents?: number;
  /** Batches written at once (each on its connection); 1 for a store with a single session. */
  maxInFlight?: number;
  /** A batch was written: how long its `send` took and how many events it held (for metrics). */
  onBatchAppended?: (seconds: number, events: number) => void;
}

interface Waiting {
  append: QueuedAppend;
  ids: readonly string[];
  resolve(outcome: AppendOutcome): void;
  reject(error: unknown): void;
  detach?: () => void;
}

const DEFAULT_MAX_APPENDS = 500;
const DEFAULT_MAX_EVENTS = 5_000;
const DEFAULT_MAX_IN_FLIGHT = 1;

/**
 * Group commit: appends that arrive while a batch is being written wait and go together in the next
 * one, so a thousand players' actions cost a few transactions, not a thousand. An idle store sends at
 * once. A few
 * batches may be in flight at once (`maxInFlight`): each locks its streams and inserts in parallel with
 * the others, and only their final step (positions and commit) takes turns under the store's lock.
 *
 * Written here rather than taken from a library: it is the store's own write path (one SQL function
 * call per batch, an answer per append), which no queueing library knows.
 */
export class GroupCommit {
  private queue: Waiting[] = [];
  private inFlight = 0;
  /** Stream and event ids of the batches in flight: a retry racing its original waits for it. */
  private readonly idsInFlight = new Set<string>();
  private scheduled = false;
  private readonly maxAppends: number;
  private readonly maxEvents: number;
  private readonly maxInFlight: number;

  constructor(private readonly options: GroupCommitOptions) {
    this.maxAppends = options.maxAppends ?? DEFAULT_MAX_APPENDS;
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT;
  }

  append(append: QueuedAppend, signal?: AbortSignal): Promise<AppendOutcome> {
    if (signal?.aborted) return Promise.reject(new AppendWithdrawnError(append.streamId));
    return new Promise((resolve, reject) => {
      const waiting: Waiting = { append, ids: append.events.map((e) => e.id), resolve, reject };
      if (signal) {
        const onAbort = () => {
          const index = this.queue.indexOf(waiting);
          if (index < 0) return; // already sent: it completes or fails on its own
          this.queue.splice(index, 1);
          reject(new AppendWithdrawnError(append.streamId));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiting.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(waiting);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight >= this.maxInFlight || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    // After the current run of callbacks (appends made together go together), not a whole turn of
    // the event loop later: under load the batches in flight gather the rest.
    queueMicrotask(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) return; // everything waiting clashes with a batch in flight
      const keys = batch.flatMap((w) => w.ids.map((id) => idKey(w.append.streamId, id)));
      for (const key of keys) this.idsInFlight.add(key);
      for (const waiting of batch) waiting.detach?.();
      this.inFlight++;
      void this.write(batch).finally(() => {
        for (const key of keys) this.idsInFlight.delete(key);
        this.inFlight--;
        this.schedule();
      });
    }
  }

  /**
   * The next batch, in arrival order. An append whose event ids are also in an earlier append of the
   * same stream in this batch or in one in flight (a retry racing its original) waits for a later
   * batch, where the store recognises it as a duplicate instead of failing a batch on the unique index.
   */
  private takeBatch(): Waiting[] {
    const batch: Waiting[] = [];
    const kept: Waiting[] = [];
    const ids = new Set<string>();
    let events = 0;
    for (const waiting of this.queue) {
      const full =
        batch.length >= this.maxAppends || (batch.length > 0 && events + waiting.ids.length > this.maxEvents);
      const clashes = waiting.ids.some((id) => {
        const key = idKey(waiting.append.streamId, id);
        return ids.has(key) || this.idsInFlight.has(key);
      });
      if (full || clashes) {
        kept.push(waiting);
        continue;
      }
      batch.push(waiting);
      events += waiting.ids.length;
      for (const id of waiting.ids) ids.add(idKey(waiting.append.streamId, id));
    }
    this.queue = kept;
    return batch;
  }

  private async write(batch: Waiting[]): Promise<void> {
    let outcomes: AppendOutcome[];
    try {
      const startedAt = performance.now();
      outcomes = await this.options.send(batch.map((w) => w.append));
      this.options.onBatchAppended?.(
        (performance.now() - startedAt) / 1000,
        batch.reduce((events, waiting) => events + waiting.ids.length, 0),
      );
    } catch (error) {
      if (batch.length > 1 && this.options.isolatable(error)) {
        for (const waiting of batch) await this.write([waiting]);
        return;
      }
      for (const waiting of batch) waiting.reject(error);
      return;
    }
    batch.forEach((waiting, index) => {
      waiting.resolve(outcomes[index]!);
    });
  }
}

function idKey(streamId: string, eventId: string): string {
  return `${streamId}\u0000${eventId}`;
}
