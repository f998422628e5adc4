import {
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  ANY,
  type AppendExpectedRevision,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  type JSONType,
  jsonEvent,
  NO_STREAM,
  type ResolvedEvent,
  START,
  STREAM_EXISTS,
  type StreamingRead,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  type AllFilter,
  type AppendOptions,
  type AppendResult,
  AppendWithdrawnError,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  NO_STREAM_REVISION,
  PartialDuplicateAppendError,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type Revision,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  type WorkGroupOptions,
  type WorkGroupSubscription,
  WrongExpectedRevisionError,
} from './event-store.ts';
import {
  isSystemEvent,
  isVisible,
  readPosition,
  serverFilter,
  toStoredEvent,
} from './eventstoredb-mapping.ts';
import { joinEventStoreDbWorkGroup } from './eventstoredb-work-group.ts';
import { validateAppend } from './validate-append.ts';

const MAX_EVENTS_PER_APPEND = 10_000;
/** How many of a stream's last events a retried append is looked for among. */
const RETRY_LOOKBACK = 100;
const DEFAULT_READ_ALL_COUNT = 1000;

/**
 * The event store on EventStoreDB (gRPC client). Our positions are $all commit positions: one per
 * event, since every append is an implicit transaction whose events each commit at their own
 * log position.
 *
 * Idempotency: a retried append is recognised when its ids are among the stream's last
 * RETRY_LOOKBACK events (whatever revision it expects), and by the server's own id cache besides.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly name = 'eventstoredb';
  /** Subscriptions and work group memberships still open, closed with the store. */
  private readonly subscriptions = new Set<{ close(): Promise<void> }>();

  constructor(private readonly client: EventStoreDBClient) {}

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    validateAppend(streamId, events, MAX_EVENTS_PER_APPEND);
    const { expectedRevision } = options;
    if (options.signal?.aborted) throw new AppendWithdrawnError(streamId);
    // EventStoreDB writes a retry that expects the stream's current revision as new events, and
    // answers one that expects the original revision with a plain success. Our port promises that a
    // repeated id is never written twice, whatever the revision: so look the ids up among the stream's
    // recent events first (EventStoreDB has no index by id; a retry comes soon after its original).
    const recent = await this.readStream(streamId, { direction: 'backwards', maxCount: RETRY_LOOKBACK });
    const before = recent[0]?.revision ?? NO_STREAM_REVISION;
    const ids = new Set(events.map((e) => e.id));
    const repeated = recent.filter((e) => ids.has(e.id));
    if (repeated.length === events.length) {
      return {
        nextExpectedRevision: repeated[0]!.revision,
        position: repeated[0]!.position,
        alreadyAppended: true,
      };
    }
    if (repeated.length > 0) throw new PartialDuplicateAppendError(streamId);
    try {
      const result = await this.client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toClientRevision(expectedRevision),
      });
      const next = result.nextExpectedRevision;
      return {
        nextExpectedRevision: next,
        // The commit position of the write (or of the original write) is its last event's.
        position: result.position?.commit ?? (await this.positionOf(streamId, next)),
        alreadyAppended: next <= before,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const actual = error.actualVersion === NO_STREAM ? NO_STREAM_REVISION : error.actualVersion;
      if (await this.isPartialRetry(streamId, events, expectedRevision, actual)) {
        throw new PartialDuplicateAppendError(streamId);
      }
      throw new WrongExpectedRevisionError(streamId, expectedRevision, actual);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const { fromRevision, maxCount } = options;
    if (maxCount === 0 || (backwards && fromRevision !== undefined && fromRevision < 0n)) return [];
    const read = this.client.readStream(streamId, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision:
        fromRevision === undefined || fromRevision < 0n ? (backwards ? END : START) : fromRevision,
      ...(maxCount === undefined ? {} : { maxCount }),
    });
    const events: StoredEvent[] = [];
    try {
      for await (const event of storedEvents(read)) events.push(event);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const { maxCount = DEFAULT_READ_ALL_COUNT, filter } = options;
    const after = options.after === undefined || options.after === 'start' ? -1n : options.after;
    const events: StoredEvent[] = [];
    if (maxCount <= 0 || filter?.streamPrefixes?.length === 0 || filter?.eventTypes?.length === 0) {
      return events;
    }
    // This client version has no server-side filter for reads: filter here and stop once we have enough.
    for await (const event of storedEvents(this.client.readAll({ fromPosition: readPosition(after) }))) {
      if (event.position <= after || !isVisible(event, filter)) continue;
      events.push(event);
      if (events.length >= maxCount) break;
    }
    return events;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const { filter } = options;
    const after = typeof options.after === 'bigint' ? options.after : -1n;
    const source = this.client.subscribeToAll({
      fromPosition: options.after === 'end' ? END : readPosition(after),
      filter: serverFilter(filter),
    });
    const subscription = wrapSubscription(source, after, filter, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** A persistent subscription to $all (see eventstoredb-work-group.ts). */
  joinWorkGroup(group: string, options: WorkGroupOptions): WorkGroupSubscription {
    const membership = joinEventStoreDbWorkGroup(this.client, group, options, () =>
      this.subscriptions.delete(membership),
    );
    this.subscriptions.add(membership);
    return membership;
  }

  async headPosition(): Promise<Position> {
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END });
    for await (const event of storedEvents(read)) {
      if (!isSystemEvent(event)) return event.position;
    }
    return 0n;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  private async positionOf(streamId: string, revision: Revision): Promise<Position> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`stream ${streamId}: revision ${revision} was appended but cannot be read`);
    return event.position;
  }

  /**
   * EventStoreDB reports a batch that repeats some of the stream's events but not all of them as a
   * wrong expected version too. With 'any' (or 'stream_exists' on an existing stream) that is the
   * only way to fail; with a revision, it is when the stream's next event after it is our first one.
   */
  private async isPartialRetry(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    actual: Revision,
  ): Promise<boolean> {
    if (expected === 'any') return true;
    if (expected === 'stream_exists') return actual >= 0n;
    const base = expected === 'no_stream' ? NO_STREAM_REVISION : expected;
    if (actual <= base) return false;
    const [next] = await this.readStream(streamId, { fromRevision: base + 1n, maxCount: 1 });
    return next?.id === events[0]!.id;
  }
}

export async function openEventStoreDb(url: string): Promise<EventStore> {
  return new EventStoreDbEventStore(EventStoreDBClient.connectionString(url));
}

function toClientRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return expected === NO_STREAM_REVISION ? NO_STREAM : expected;
  }
}

function toEventData(event: NewEvent) {
  return jsonEvent({
    id: event.id,
    type: event.type,
    data: (event.data ?? null) as JSONType,
    metadata: event.metadata,
  });
}

/** Converts a read's events, and cancels the server call when the caller stops early. */
async function* storedEvents(
  read: StreamingRead<ResolvedEvent | AllStreamResolvedEvent>,
): AsyncGenerator<StoredEvent> {
  try {
    for await (const resolved of read) {
      const event = toStoredEvent(resolved);
      if (event) yield event;
    }
  } finally {
    if (!read.readableEnded) await read.cancel().catch(() => {});
  }
}

function wrapSubscription(
  source: AllStreamSubscription,
  after: Position,
  filter: AllFilter | undefined,
  onClose: () => void,
): Subscription {
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    onClose();
    // The call may already have failed (e.g. the server went away): closing must still succeed.
    await source.unsubscribe().catch(() => {});
    source.destroy();
  };
  async function* iterate(): AsyncGenerator<StoredEvent> {
    try {
      for await (const resolved of source) {
        const event = toStoredEvent(resolved);
        // The server may deliver the event at the start position itself; `after` is exclusive.
        if (event && event.position > after && isVisible(event, filter)) yield event;
      }
    } catch (error) {
      // Destroying the source on close() ends a pending read with a premature-close error.
      if (!closed) throw error;
    } finally {
      await close();
    }
  }
  return { close, [Symbol.asyncIterator]: iterate };
}
