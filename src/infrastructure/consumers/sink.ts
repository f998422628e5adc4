import type { CheckpointStore } from '../checkpoint-store.ts';
import type { Position, StoredEvent } from '../event-store/event-store.ts';

/**
 * Where a consumer's events go, and what it promises about them. The runner delivers batches in
 * global order and redelivers a batch that failed (never skipping, never reordering); what survives a
 * crash depends on the sink's kind, which is part of its type:
 *
 * - `atomic`: a read model whose batch writes and checkpoint commit together (a SQL transaction, a
 *   Redis Lua script, or one synchronous step in process). Each event takes effect exactly once.
 * - `at-least-once`: a reactor (side effects elsewhere). The checkpoint is saved after handling, so a
 *   crash in between redelivers the batch: `handle` must be idempotent (key its effects by event id).
 * - `keyed-at-least-once`: a reactor whose events are handled one by one, in order per key and
 *   concurrently across keys (one player's actions in turn, many players at once). The checkpoint is
 *   the safe position, just below the oldest event still in flight: a crash redelivers every event
 *   after it (some were handled already), so `handle` must be idempotent too.
 * - `in-memory`: state held in process, rebuilt from the log at every start (or following from the
 *   end); there is no checkpoint.
 */
export type Sink = AtomicSink | ReactorSink | KeyedReactorSink | InMemorySink;

export interface Batch {
  readonly events: readonly StoredEvent[];
  /** The position of the batch's last event: the checkpoint once the batch has taken effect. */
  readonly checkpoint: Position;
}

export interface AtomicSink {
  readonly delivery: 'atomic';
  /** How the writes and the checkpoint are made one step (shown to operators). */
  readonly atomicity: 'sql-transaction' | 'redis-script' | 'in-process';
  /** The checkpoint saved with the last applied batch; undefined before the first. */
  loadCheckpoint(): Promise<Position | undefined>;
  /** Applies the batch and saves `batch.checkpoint` in one step: if it fails, neither happened. */
  apply(batch: Batch): Promise<void>;
}

export interface ReactorSink {
  readonly delivery: 'at-least-once';
  readonly checkpoints: CheckpointStore;
  readonly checkpointName: string;
  /** Must be idempotent: a batch handled before a crash, but not checkpointed, comes again. */
  handle(batch: Batch): Promise<void>;
  /**
   * Saves the checkpoint at most this often (0: after every batch); it is always saved on stop. A
   * longer interval means fewer writes, and more events redelivered after a crash.
   */
  readonly checkpointEveryMs?: number;
}

export interface KeyedReactorSink {
  readonly delivery: 'keyed-at-least-once';
  readonly checkpoints: CheckpointStore;
  readonly checkpointName: string;
  /** Events of a key are handled one at a time, in their order; different keys concurrently. */
  keyOf(event: StoredEvent): string;
  /**
   * Must be idempotent (an event handled before a crash may come again). When it throws, the event
   * is retried with a back-off; the key's later events wait behind it, other keys go on.
   */
  handle(event: StoredEvent): Promise<void>;
  /** Events handled at the same time; a slot is taken only at the key's turn. */
  readonly concurrency: number;
  /** Events taken and not done (handled or waiting); the runner takes no more while full. */
  readonly maxInFlight: number;
  /** Saves the safe position at most this often (0: after every event), and on stop. */
  readonly checkpointEveryMs: number;
}

export interface InMemorySink {
  readonly delivery: 'in-memory';
  /** 'start' rebuilds from the first event; 'end' (resolved at start) or a position follows from there. */
  readonly from: 'start' | 'end' | Position;
  handle(batch: Batch): Promise<void> | void;
}
