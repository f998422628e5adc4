import { LRUCache } from 'lru-cache';
import {
  NO_STREAM_REVISION,
  type Revision,
  type StoredEvent,
} from '../infrastructure/event-store/event-store.ts';

/** How many of a stream's latest commands are remembered, so a retried one is found without a read. */
export const REMEMBERED_COMMANDS = 64;

export interface Folding<State = unknown> {
  initialState(): State;
  evolve(state: State, event: never): State;
}

/** Where a command's events sit in its stream: `count` events from `fromRevision` on. */
export interface CommandSpan {
  fromRevision: Revision;
  count: number;
}

/**
 * A stream's state folded from its first event up to `revision`, with no gap: every change is the
 * event of exactly the next revision, so the state always matches the stream up to that revision.
 */
export class StreamEntry<State = unknown> {
  state: State;
  revision: Revision = NO_STREAM_REVISION;
  /** The latest commands' ids (from each event's `commandId` metadata), oldest first. */
  readonly commands = new Map<string, CommandSpan>();

  constructor(readonly decider: Folding<State>) {
    this.state = decider.initialState();
  }

  /** Applies the event when it is the next one; true when the entry is (now) at or past it. */
  apply(event: Pick<StoredEvent, 'type' | 'data' | 'metadata' | 'revision'>): boolean {
    if (event.revision <= this.revision) return true;
    if (event.revision !== this.revision + 1n) return false;
    this.state = this.decider.evolve(this.state, event as never);
    this.revision = event.revision;
    const commandId = event.metadata.commandId;
    if (typeof commandId === 'string') this.noteCommand(commandId, event.revision);
    return true;
  }

  private noteCommand(commandId: string, revision: Revision): void {
    const span = this.commands.get(commandId);
    if (span && span.fromRevision + BigInt(span.count) === revision) {
      span.count++;
      return;
    }
    this.commands.delete(commandId);
    this.commands.set(commandId, { fromRevision: revision, count: 1 });
    if (this.commands.size > REMEMBERED_COMMANDS) {
      const oldest = this.commands.keys().next().value as string;
      this.commands.delete(oldest);
    }
  }
}

/**
 * The streams' states held in memory. Entries only ever move forward one revision at a time; a
 * load in flight collects the live events that arrive meanwhile, so neither can skip the other's.
 */
export class StreamCache {
  private readonly entries: LRUCache<string, StreamEntry>;
  private readonly loading = new Map<string, Set<StoredEvent[]>>();

  constructor(max: number) {
    this.entries = new LRUCache({ max });
  }

  get<State>(streamId: string, decider: Folding<State>): StreamEntry<State> | undefined {
    const entry = this.entries.get(streamId);
    return entry?.decider === decider ? (entry as StreamEntry<State>) : undefined;
  }

  /** Keeps `entry` unless the cache holds a further one for the same decider. */
  offer(streamId: string, entry: StreamEntry): void {
    const held = this.entries.peek(streamId);
    if (held && held !== entry && held.decider === entry.decider && held.revision >= entry.revision) return;
    this.entries.set(streamId, entry);
  }

  clear(): void {
    this.entries.clear();
  }

  /** A live event from the store: applied to the stream's entry when next, else the entry is dropped. */
  follow(event: StoredEvent): void {
    for (const buffer of this.loading.get(event.streamId) ?? []) buffer.push(event);
    const entry = this.entries.peek(event.streamId);
    if (entry && !entry.apply(event)) this.entries.delete(event.streamId);
  }

  /**
   * Runs a read of the stream while collecting the live events that arrive meanwhile; returns both,
   * to apply in that order (the read, then what it may have missed).
   */
  async whileLoading<T>(
    streamId: string,
    read: () => Promise<T>,
  ): Promise<{ read: T; arrived: StoredEvent[] }> {
    const arrived: StoredEvent[] = [];
    let buffers = this.loading.get(streamId);
    if (!buffers) {
      buffers = new Set();
      this.loading.set(streamId, buffers);
    }
    buffers.add(arrived);
    try {
      return { read: await read(), arrived };
    } finally {
      buffers.delete(arrived);
      if (buffers.size === 0) this.loading.delete(streamId);
    }
  }
}
