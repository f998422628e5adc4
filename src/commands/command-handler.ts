import type { Decider, DomainEvent } from '../domain/decider.ts';
import {
  AppendWithdrawnError,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  NO_STREAM_REVISION,
  PartialDuplicateAppendError,
  type Revision,
  type StoredEvent,
  type Subscription,
  WrongExpectedRevisionError,
} from '../infrastructure/event-store/event-store.ts';
import { limits } from '../limits.ts';
import { KeyedQueue } from './keyed-queue.ts';
import { nameBasedUuid } from './name-based-uuid.ts';
import { type Folding, StreamCache, StreamEntry } from './stream-cache.ts';

/** Namespace for event ids derived from command ids (any fixed UUID works; this one is ours). */
const EVENT_ID_NAMESPACE = '5b0c3f0e-7a8e-4c1d-9d55-2f1f0a6c9e11';
/** How far back a retried command's events are looked for when its id is not remembered. */
const RETRY_LOOKBACK = 100;
/** How long to wait before following the store's live events again after the subscription failed. */
const RESUBSCRIBE_DELAY_MS = 1_000;

export interface CommandContext {
  /** Unique per command. Retrying a command with the same id appends nothing new. */
  commandId: string;
  correlationId?: string;
  causationId?: string;
  playerId?: string;
  /** When the command was given (e.g. when the player's frame arrived); the events carry it. Now by default. */
  timestamp?: Date;
  /** Withdraws the append while it still waits to be sent (see AppendOptions.signal). */
  signal?: AbortSignal;
  /** More metadata for each of the command's events (e.g. what its decision rests on). */
  metadata?: Record<string, unknown>;
}

export interface Handled<State> {
  /** The command's events: appended now, or found in the stream when the command was handled before. */
  events: NewEvent[];
  /** True when this command id had already been handled: nothing was appended this time. */
  alreadyHandled: boolean;
  state: State;
  nextExpectedRevision: Revision;
}

export interface CommandHandlerOptions {
  cachedStreams?: number;
  now?: () => Date;
  /** Told when following the store's live events failed (it is retried). */
  onFollowError?: (error: unknown) => void;
}

/**
 * Runs commands against streams whose states it holds in memory, with the event store as the log:
 * a cached stream is decided on without a read, and the append's expected revision catches a cache
 * that fell behind (then it reads what it missed and decides again, a bounded number of times).
 * Commands on one stream run one after another here, so they never race each other. A command id
 * is looked up before deciding: a retried command gets what its first run appended, never a second
 * decision. After `start()`, the cached states follow the appends of other processes too.
 */
export class CommandHandler {
  private readonly cache: StreamCache;
  private readonly queue = new KeyedQueue();
  private readonly now: () => Date;
  private readonly onFollowError: (error: unknown) => void;
  /** Bumped when the cache is reset: loads that began before must not put their result in it. */
  private epoch = 0;
  private live: Subscription | undefined;
  private following: Promise<void> | undefined;
  private stopped = true;
  private resubscribe: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    options: CommandHandlerOptions = {},
  ) {
    this.cache = new StreamCache(options.cachedStreams ?? 10_000);
    this.now = options.now ?? (() => new Date());
    this.onFollowError = options.onFollowError ?? (() => {});
  }

  /** Follows the store's live events, keeping the cached states current with other processes' appends. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.follow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.resubscribe);
    await this.live?.close();
    await this.following;
  }

  private async follow(): Promise<void> {
    const after = await this.store.headPosition();
    // Anything cached before may have missed events up to the head; from here on the tail has them.
    this.cache.clear();
    this.epoch++;
    const subscription = this.store.subscribeToAll({ after });
    this.live = subscription;
    this.following = (async () => {
      for await (const event of subscription) this.cache.follow(event);
    })()
      .catch((error) => {
        this.onFollowError(error);
        if (this.stopped) return;
        this.resubscribe = setTimeout(
          () => void this.follow().catch((again) => this.onFollowError(again)),
          RESUBSCRIBE_DELAY_MS,
        );
      })
      .finally(() => {
        if (this.live !== subscription) return;
        this.live = undefined;
        this.cache.clear();
        this.epoch++;
      });
  }

  async handle<State, Command, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    context: CommandContext,
  ): Promise<Handled<State>> {
    const { signal } = context;
    if (!signal)
      return this.queue.run(streamId, () => this.decideAndAppend(streamId, decider, command, context));
    // A command still waiting for its turn on the stream has sent nothing: withdrawing it is safe at
    // once, and its turn, when it comes, is skipped.
    if (signal.aborted) throw new AppendWithdrawnError(streamId);
    let started = false;
    const queued = this.queue.run(streamId, () => {
      if (signal.aborted) throw new AppendWithdrawnError(streamId);
      started = true;
      return this.decideAndAppend(streamId, decider, command, context);
    });
    return new Promise<Handled<State>>((resolve, reject) => {
      const onAbort = () => {
        if (!started) reject(new AppendWithdrawnError(streamId));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      queued.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async decideAndAppend<State, Command, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    context: CommandContext,
  ): Promise<Handled<State>> {
    let entry = this.cache.get(streamId, decider);
    // Whether the entry was read from the store during this command (else it is the cached one).
    let confirmed = !entry;
    entry ??= await this.loadEntry(streamId, decider);
    for (let attempt = 0; ; attempt++) {
      if (entry.commands.has(context.commandId))
        return this.handledBefore(streamId, entry, context.commandId);
      const { state, revision } = entry;
      let decided: Event[];
      try {
        decided = decider.decide(command, state);
      } catch (error) {
        // A refusal must rest on the stream as stored, not on a cached state that may be behind.
        if (!confirmed && (await this.caughtUp(streamId, entry))) {
          confirmed = true;
          continue;
        }
        throw error;
      }
      if (decided.length === 0) {
        // So must "nothing to do" (e.g. an action not yet seen as pending).
        if (!confirmed && (await this.caughtUp(streamId, entry))) {
          confirmed = true;
          continue;
        }
        return { events: [], alreadyHandled: false, state, nextExpectedRevision: revision };
      }

      const events = decided.map((event, index) => this.toNewEvent(event, index, context));
      try {
        const appended = await this.store.appendToStream(streamId, events, {
          expectedRevision: revision === NO_STREAM_REVISION ? 'no_stream' : revision,
          ...(context.signal ? { signal: context.signal } : {}),
        });
        if (appended.alreadyAppended) {
          await this.refresh(streamId, entry);
          return this.handledBefore(streamId, entry, context.commandId);
        }
        events.forEach((event, index) => {
          entry!.apply({ ...event, revision: revision + 1n + BigInt(index) });
        });
        return {
          events,
          alreadyHandled: false,
          state: decided.reduce(decider.evolve, state),
          nextExpectedRevision: appended.nextExpectedRevision,
        };
      } catch (error) {
        // Some of this command's ids are in the stream: it was handled before, deciding differently then.
        if (error instanceof PartialDuplicateAppendError) {
          await this.refresh(streamId, entry);
          return this.handledBefore(streamId, entry, context.commandId);
        }
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= limits.commandRetries) throw error;
        await this.refresh(streamId, entry);
        confirmed = true;
      }
    }
  }

  /**
   * The events a command appended to the stream, when it is among the stream's latest commands (read
   * from the store only when the stream is not cached), else undefined. A cache that is behind may
   * miss a command another process just handled; `handle` with the same id still finds it.
   */
  async find<State>(
    streamId: string,
    decider: Folding<State>,
    commandId: string,
  ): Promise<NewEvent[] | undefined> {
    const entry = this.cache.get(streamId, decider) ?? (await this.loadEntry(streamId, decider));
    if (!entry.commands.has(commandId)) return undefined;
    return (await this.handledBefore(streamId, entry, commandId)).events;
  }

  /** A retried command: the events it appended the first time. */
  private async handledBefore<State>(
    streamId: string,
    entry: StreamEntry<State>,
    commandId: string,
  ): Promise<Handled<State>> {
    const { state, revision } = entry;
    const span = entry.commands.get(commandId);
    let events: StoredEvent[];
    if (span) {
      events = await this.store.readStream(streamId, {
        fromRevision: span.fromRevision,
        maxCount: span.count,
      });
    } else {
      // Events older than the remembered commands (or written before events carried their command id).
      const recent = await this.store.readStream(streamId, {
        direction: 'backwards',
        maxCount: RETRY_LOOKBACK,
      });
      const ids = new Set(Array.from({ length: RETRY_LOOKBACK }, (_, i) => this.eventId(commandId, i)));
      events = recent.filter((event) => ids.has(event.id)).reverse();
    }
    return {
      events: events.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })),
      alreadyHandled: true,
      state,
      nextExpectedRevision: revision,
    };
  }

  /** The last state this handler saw of a stream (possibly behind the store), without any I/O. */
  peek<State>(streamId: string, decider: unknown): { state: State; revision: Revision } | undefined {
    const entry = this.cache.get(streamId, decider as Folding<State>);
    return entry && { state: entry.state, revision: entry.revision };
  }

  /** The stream's current state, folded with the decider: reads whatever the store has that is newer. */
  async load<State, Event extends DomainEvent>(
    streamId: string,
    decider: Pick<Decider<State, never, Event>, 'evolve' | 'initialState'>,
  ): Promise<{ state: State; revision: Revision }> {
    const cached = this.cache.get(streamId, decider);
    const entry = cached ? await this.refresh(streamId, cached) : await this.loadEntry(streamId, decider);
    return { state: entry.state, revision: entry.revision };
  }

  /** The stream's state at `revision` or later: the cached one when it has got that far, else a load. */
  async loadAtLeast<State, Event extends DomainEvent>(
    streamId: string,
    decider: Pick<Decider<State, never, Event>, 'evolve' | 'initialState'>,
    revision: Revision,
  ): Promise<{ state: State; revision: Revision }> {
    const cached = this.cache.get(streamId, decider);
    if (cached && cached.revision >= revision) return { state: cached.state, revision: cached.revision };
    return this.load(streamId, decider);
  }

  /**
   * The stream's state as this handler knows it: while it follows the store's live events, the cached
   * state (behind other processes' appends only by the live tail's delay), else a load.
   */
  async current<State, Event extends DomainEvent>(
    streamId: string,
    decider: Pick<Decider<State, never, Event>, 'evolve' | 'initialState'>,
  ): Promise<{ state: State; revision: Revision }> {
    const cached = this.live ? this.cache.get(streamId, decider) : undefined;
    if (cached) return { state: cached.state, revision: cached.revision };
    return this.load(streamId, decider);
  }

  private async loadEntry<State>(streamId: string, decider: Folding<State>): Promise<StreamEntry<State>> {
    const entry = new StreamEntry(decider);
    return this.catchUp(streamId, entry, () => this.store.readStream(streamId));
  }

  private refresh<State>(streamId: string, entry: StreamEntry<State>): Promise<StreamEntry<State>> {
    const fromRevision = entry.revision + 1n;
    return this.catchUp(streamId, entry, () => this.store.readStream(streamId, { fromRevision }));
  }

  /** Refreshes the entry; true when the store had something newer. */
  private async caughtUp(streamId: string, entry: StreamEntry): Promise<boolean> {
    const before = entry.revision;
    await this.refresh(streamId, entry);
    return entry.revision !== before;
  }

  private async catchUp<State>(
    streamId: string,
    entry: StreamEntry<State>,
    read: () => Promise<StoredEvent[]>,
  ): Promise<StreamEntry<State>> {
    const epoch = this.epoch;
    const loaded = await this.cache.whileLoading(streamId, read);
    let whole = loaded.read.every((event) => entry.apply(event));
    for (const event of loaded.arrived) whole = entry.apply(event) && whole;
    if (whole && epoch === this.epoch) this.cache.offer(streamId, entry as StreamEntry);
    return entry;
  }

  private eventId(commandId: string, index: number): string {
    return nameBasedUuid(`${commandId}/${index}`, EVENT_ID_NAMESPACE);
  }

  private toNewEvent(event: DomainEvent, index: number, context: CommandContext): NewEvent {
    const metadata: EventMetadata = {
      ...context.metadata,
      timestamp: (context.timestamp ?? this.now()).toISOString(),
      commandId: context.commandId,
      causationId: context.commandId,
    };
    if (context.correlationId) metadata.correlationId = context.correlationId;
    if (context.causationId) metadata.causationId = context.causationId;
    if (context.playerId) metadata.playerId = context.playerId;
    return {
      id: this.eventId(context.commandId, index),
      type: event.type,
      data: event.data,
      metadata,
    };
  }
}
