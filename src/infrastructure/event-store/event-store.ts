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

export interface WorkGroupOptions {
  /** Which events are the group's work (an event type filter, say `['ActionRequested']`). */
  filter: AllFilter;
  /** How many events this member may hold unacknowledged at once (default 10). */
  bufferSize?: number;
  /**
   * Where the group starts when this call creates it (exclusive, like every `after`). Without it a new
   * group starts at the store's end, so history is never taken for new work. To hand over from a
   * consumer that kept its own checkpoint, pass that checkpoint: what it had not finished is delivered
   * again (handlers are idempotent). -1n takes the whole history. Events at or before it are never
   * handed out. An existing group goes on from its own server-side checkpoint.
   */
  after?: Position;
  /** An event not settled this long after delivery goes out again (default 30 000); set on creation only. */
  messageTimeoutMs?: number;
  /** Deliveries after the first before the server parks an event (default 10); set on creation only. */
  maxRetryCount?: number;
}

/** One event handed to this member of a work group. Settle it once: ack, or nack. */
export interface WorkItem {
  event: StoredEvent;
  /** How many times it was handed out before, to this member or another (0 on first delivery). */
  retryCount: number;
  /** Done: the group never hands it out again (after close() this does nothing; it comes again). */
  ack(): Promise<void>;
  /** Not done: 'retry' hands it out again, 'park' sets it aside for an operator (no more retries). */
  nack(reason: string, action: 'retry' | 'park'): Promise<void>;
}

/** This process's membership of a work group: the events the group hands it, until close(). */
export interface WorkGroupSubscription extends AsyncIterable<WorkItem> {
  /** Resolves once the group exists and the server counts this member in; rejects if it cannot join. */
  readonly joined: Promise<void>;
  /** Leaves the group: what it holds unacknowledged goes to the other members. */
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
  /**
   * Joins the group of consumers named `group` (created on first use), which shares the matching
   * events among its live members, in any process: each event goes to one member at a time; an event
   * its member neither acks nor nacks goes out again: to another member when that one leaves or
   * dies, after `messageTimeoutMs` otherwise. Events are pinned by stream id: one stream's events go
   * to one member, in order, while the membership is stable; a member that joins or leaves moves
   * streams, and a redelivered event may come after later ones of its stream. Delivery is therefore
   * at least once (the group's server-side checkpoint also lags its acks): handlers must be
   * idempotent. The iterator ends on close() and throws when the membership is lost (server gone,
   * group deleted): join again. Only where the store has consumer groups (EventStoreDB).
   */
  joinWorkGroup?(group: string, options: WorkGroupOptions): WorkGroupSubscription;
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
