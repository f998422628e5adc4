import { LRUCache } from 'lru-cache';
import { v5 as uuidv5 } from 'uuid';
import type { Decider, DomainEvent } from '../domain/decider.ts';
import {
  type EventMetadata,
  type EventStore,
  type NewEvent,
  NO_STREAM_REVISION,
  PartialDuplicateAppendError,
  type Revision,
  WrongExpectedRevisionError,
} from '../infrastructure/event-store/event-store.ts';
import { limits } from '../limits.ts';

/** Namespace for event ids derived from command ids (any fixed UUID works; this one is ours). */
const EVENT_ID_NAMESPACE = '5b0c3f0e-7a8e-4c1d-9d55-2f1f0a6c9e11';
/** How far back a retried command's events are looked for (commands append far fewer). */
const RETRY_LOOKBACK = 100;

export interface CommandContext {
  /** Unique per command. Retrying a command with the same id appends nothing new. */
  commandId: string;
  correlationId?: string;
  causationId?: string;
  playerId?: string;
}

export interface Handled<State> {
  /** The command's events: appended now, or found in the stream when the command was handled before. */
  events: NewEvent[];
  /** True when this command id had already been handled: nothing was appended this time. */
  alreadyHandled: boolean;
  state: State;
  nextExpectedRevision: Revision;
}

interface CachedStream {
  decider: unknown;
  state: unknown;
  revision: Revision;
}

/**
 * Runs a command against one stream: load (from a small cache of recent states, reading only the
 * events since), decide, append with the loaded revision as the expected one, and on losing a race
 * load again and retry, a bounded number of times.
 */
export class CommandHandler {
  private readonly cache: LRUCache<string, CachedStream>;

  constructor(
    private readonly store: EventStore,
    options: { cachedStreams?: number; now?: () => Date } = {},
  ) {
    this.cache = new LRUCache({ max: options.cachedStreams ?? 10_000 });
    this.now = options.now ?? (() => new Date());
  }

  private readonly now: () => Date;

  async handle<State, Command, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, Command, Event>,
    command: Command,
    context: CommandContext,
  ): Promise<Handled<State>> {
    for (let attempt = 0; ; attempt++) {
      const { state, revision } = await this.load(streamId, decider);
      const decided = decider.decide(command, state);
      if (decided.length === 0)
        return { events: [], alreadyHandled: false, state, nextExpectedRevision: revision };

      const events = decided.map((event, index) => this.toNewEvent(event, index, context));
      try {
        const appended = await this.store.appendToStream(streamId, events, {
          expectedRevision: revision === NO_STREAM_REVISION ? 'no_stream' : revision,
        });
        if (appended.alreadyAppended) return this.handledBefore(streamId, decider, context);
        const newState = decided.reduce(decider.evolve, state);
        this.cache.set(streamId, { decider, state: newState, revision: appended.nextExpectedRevision });
        return {
          events,
          alreadyHandled: false,
          state: newState,
          nextExpectedRevision: appended.nextExpectedRevision,
        };
      } catch (error) {
        // Some of this command's ids are in the stream: it was handled before, deciding differently then.
        if (error instanceof PartialDuplicateAppendError)
          return this.handledBefore(streamId, decider, context);
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= limits.commandRetries) throw error;
      }
    }
  }

  /** A retried command: the events it appended the first time, read back from the stream's recent events. */
  private async handledBefore<State, Event extends DomainEvent>(
    streamId: string,
    decider: Pick<Decider<State, never, Event>, 'evolve' | 'initialState'>,
    context: CommandContext,
  ): Promise<Handled<State>> {
    const { state, revision } = await this.load(streamId, decider);
    const recent = await this.store.readStream(streamId, {
      direction: 'backwards',
      maxCount: RETRY_LOOKBACK,
    });
    const ids = new Set(Array.from({ length: RETRY_LOOKBACK }, (_, i) => this.eventId(context.commandId, i)));
    const events = recent
      .filter((event) => ids.has(event.id))
      .reverse()
      .map(({ id, type, data, metadata }) => ({ id, type, data, metadata }));
    return { events, alreadyHandled: true, state, nextExpectedRevision: revision };
  }

  /** The last state this handler saw of a stream (possibly behind the store), without any I/O. */
  peek<State>(streamId: string, decider: unknown): { state: State; revision: Revision } | undefined {
    const cached = this.cache.get(streamId);
    if (!cached || cached.decider !== decider) return undefined;
    return { state: cached.state as State, revision: cached.revision };
  }

  /** The stream's current state, folded with the decider. */
  async load<State, Event extends DomainEvent>(
    streamId: string,
    decider: Pick<Decider<State, never, Event>, 'evolve' | 'initialState'>,
  ): Promise<{ state: State; revision: Revision }> {
    const cached = this.cache.get(streamId);
    let state: State = cached?.decider === decider ? (cached.state as State) : decider.initialState();
    let revision = cached?.decider === decider ? cached.revision : NO_STREAM_REVISION;
    const newer = await this.store.readStream(streamId, { fromRevision: revision + 1n });
    for (const event of newer) {
      state = decider.evolve(state, event as unknown as Event);
      revision = event.revision;
    }
    this.cache.set(streamId, { decider, state, revision });
    return { state, revision };
  }

  private eventId(commandId: string, index: number): string {
    return uuidv5(`${commandId}/${index}`, EVENT_ID_NAMESPACE);
  }

  private toNewEvent(event: DomainEvent, index: number, context: CommandContext): NewEvent {
    const metadata: EventMetadata = { timestamp: this.now().toISOString(), causationId: context.commandId };
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
