/**
 * The event store port. Every part of LangOmni that reads or writes events goes through it.
 *
 * Conventions every adapter maps to:
 * - Stream revisions start at 0 for a stream's first event; an empty stream is at revision -1.
 * - Global positions are totally ordered, strictly increasing in the order `readAll` and
 *   `subscribeToAll` deliver events, and sparse (do not compute with them, only compare them).
 * - `after` options are exclusive: reading after position P yields events with position > P.
 */

export type StreamId = string;
export type Position = bigint;
export type Revision = bigint;

export const NO_STREAM_REVISION: Revision = -1n;

/** What the appender expects the stream to look like, for optimistic concurrency. */
export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | Revision;

export interface EventMetadata {
  /** The id of the first message in the chain (e.g. the player's action). */
  correlationId?: string;
  /** The id of the message that directly caused this one. */
  causationId?: string;
  playerId?: string;
  /** ISO-8601 time the event was created by its producer. */
  timestamp: string;
  [key: string]: unknown;
}

export interface NewEvent<Data = unknown> {
  /** A UUID. Appending an id that the stream already holds is an idempotent no-op. */
  id: string;
  type: string;
  data: Data;
  metadata: EventMetadata;
}

export interface StoredEvent<Data = unknown> extends NewEvent<Data> {
  streamId: StreamId;
  revision: Revision;
  position: Position;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
  /**
   * Withdraws the append while it still waits to be sent (a group commit queues appends for a few
   * milliseconds): it then rejects with AppendWithdrawnError and nothing is written. Once sent, the
   * append completes or fails as usual; the store bounds how long that takes (APPEND_TIMEOUT_MS).
   */
  signal?: AbortSignal;
}

export interface AppendResult {
  /** The stream's revision after the append: pass it as `expectedRevision` for the next one. */
  nextExpectedRevision: Revision;
  /** Position of the last event of this append. */
  position: Position;
  /** True when every event id was already in the stream and nothing was written. */
  alreadyAppended: boolean;
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Defaults to the first event (forwards) or the last (backwards). */
  fromRevision?: Revision;
  maxCount?: number;
}

export interface AllFilter {
  /** Only streams whose id starts with one of these, e.g. `player-`. */
  streamPrefixes?: readonly string[];
  eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  after?: Position | 'start';
  maxCount?: number;
  filter?: AllFilter;
}

export interface SubscribeOptions {
  /** Where to start: 'start' replays everything, 'end' delivers only events appended from now on. */
  after?: Position | 'start' | 'end';
  filter?: AllFilter;
}

/** An async iterator over every matching event, in global order, historical first and then live. */
export interface Subscription extends AsyncIterable<StoredEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  readonly name: string;
  appendToStream(
    streamId: StreamId,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult>;
  readStream(streamId: StreamId, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  /** Position of the last event a subscriber can currently see (0n when there is none). */
  headPosition(): Promise<Position>;
  /**
   * How many visible events match, after `after` when given (progress bars, consumer lag); only where
   * the store can count cheaply (an index count, not a read of the events).
   */
  countEvents?(filter?: AllFilter, after?: Position): Promise<number>;
  close(): Promise<void>;
}

export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: StreamId,
    readonly expected: ExpectedRevision,
    readonly actual: Revision,
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${actual}`);
  }
}

/** Some of the batch's ids are already in the stream, but not all: a retry of something else. */
export class PartialDuplicateAppendError extends Error {
  override readonly name = 'PartialDuplicateAppendError';
  constructor(readonly streamId: StreamId) {
    super(`stream ${streamId}: some but not all of the appended event ids are already in the stream`);
  }
}

/** The append was withdrawn (its signal aborted) before it was sent: nothing was written. */
export class AppendWithdrawnError extends Error {
  override readonly name = 'AppendWithdrawnError';
  constructor(readonly streamId: StreamId) {
    super(`append to ${streamId} withdrawn before it was sent; nothing was written`);
  }
}

export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}

export function matchesFilter(
  event: { streamId: string; type: string },
  filter: AllFilter | undefined,
): boolean {
  if (!filter) return true;
  if (filter.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  if (filter.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) {
    return false;
  }
  return true;
}
