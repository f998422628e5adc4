import {
  type AllFilter,
  type AppendOptions,
  type AppendResult,
  AppendWithdrawnError,
  type EventStore,
  type NewEvent,
  NO_STREAM_REVISION,
  PartialDuplicateAppendError,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedRevisionError,
} from '../src/infrastructure/event-store/event-store.ts';
import { validateAppend } from '../src/infrastructure/event-store/validate-append.ts';

/** As the SQL and EventStoreDB adapters allow. */
const MAX_EVENTS_PER_APPEND = 10_000;

/**
 * An event store in this process's memory, for the log generator: the product's CommandHandler and
 * ActionProcessor run over it at memory speed, and `onAppend` hands each append on (to be loaded
 * into PostgreSQL later). Same conventions as the port (revisions from 0, positions from 1).
 */
export class MemoryEventStore implements EventStore {
  readonly name = 'bench-memory';
  private readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly idsOf = new Map<string, Set<string>>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly onAppend?: (events: readonly StoredEvent[]) => void) {}

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    if (options.signal?.aborted) throw new AppendWithdrawnError(streamId);
    validateAppend(streamId, events, MAX_EVENTS_PER_APPEND);
    const stream = this.streams.get(streamId) ?? [];
    const current = BigInt(stream.length) - 1n;
    const ids = this.idsOf.get(streamId) ?? new Set<string>();
    const known = events.filter((event) => ids.has(event.id));
    if (known.length === events.length && events.length > 0)
      return { nextExpectedRevision: current, position: stream.at(-1)!.position, alreadyAppended: true };
    if (known.length > 0) throw new PartialDuplicateAppendError(streamId);
    const expected = options.expectedRevision;
    const matches =
      expected === 'any' ||
      (expected === 'no_stream' && current === NO_STREAM_REVISION) ||
      (expected === 'stream_exists' && current !== NO_STREAM_REVISION) ||
      expected === current;
    if (!matches) throw new WrongExpectedRevisionError(streamId, expected, current);
    const appended: StoredEvent[] = [];
    for (const event of events) {
      ids.add(event.id);
      const stored: StoredEvent = {
        ...event,
        streamId,
        revision: BigInt(stream.length),
        position: BigInt(this.all.length + 1),
      };
      stream.push(stored);
      this.all.push(stored);
      appended.push(stored);
    }
    this.streams.set(streamId, stream);
    this.idsOf.set(streamId, ids);
    this.onAppend?.(appended);
    for (const listener of this.listeners) listener();
    return {
      nextExpectedRevision: BigInt(stream.length) - 1n,
      position: BigInt(this.all.length),
      alreadyAppended: false,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const stream = this.streams.get(streamId) ?? [];
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    if (options.direction === 'backwards') {
      const from = options.fromRevision === undefined ? stream.length - 1 : Number(options.fromRevision);
      return stream.slice(Math.max(0, from + 1 - limit), from + 1).reverse();
    }
    const from = options.fromRevision === undefined ? 0 : Number(options.fromRevision);
    return stream.slice(from, from + limit);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.after === undefined || options.after === 'start' ? 0 : Number(options.after);
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    const found: StoredEvent[] = [];
    for (let i = after; i < this.all.length && found.length < limit; i++)
      if (matches(this.all[i]!, options.filter)) found.push(this.all[i]!);
    return found;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    let next =
      options.after === 'end'
        ? this.all.length
        : options.after === undefined || options.after === 'start'
          ? 0
          : Number(options.after);
    let closed = false;
    let wake: (() => void) | undefined;
    const listener = () => wake?.();
    this.listeners.add(listener);
    const store = this;
    return {
      async close() {
        closed = true;
        store.listeners.delete(listener);
        wake?.();
      },
      async *[Symbol.asyncIterator]() {
        while (!closed) {
          while (next < store.all.length) {
            const event = store.all[next++]!;
            if (matches(event, options.filter)) yield event;
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      },
    };
  }

  async headPosition(): Promise<Position> {
    return BigInt(this.all.length);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

function matches(event: StoredEvent, filter: AllFilter | undefined): boolean {
  if (filter?.eventTypes && !filter.eventTypes.includes(event.type)) return false;
  if (filter?.streamPrefixes && !filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix)))
    return false;
  return true;
}
