import type { WorldRuntime } from '../commands/world-runtime.ts';
import { MEMORIES_RECALLED } from '../domain/memory/memory-constants.ts';
import { NPC_STREAM_PREFIX } from '../domain/memory/observations.ts';
import { WORLD_CONTENT_STREAM } from '../domain/world/content-decider.ts';
import type { World } from '../domain/world/world.ts';
import type { MemoryRecaller } from '../gpu/action-context.ts';
import type { RecalledMemory } from '../gpu/lane.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import { ConsumerRunner } from '../infrastructure/consumers/consumer-runner.ts';
import type { Batch, Sink } from '../infrastructure/consumers/sink.ts';
import type { EventStore, Position } from '../infrastructure/event-store/event-store.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type {
  RecalledMemory as FoundAndRanked,
  MemoryRecall,
} from '../infrastructure/memory/memory-recall.ts';
import { MEMORY_EVENT_TYPES, type MemoryToWrite, NpcMemoryBook } from './npc-memory-book.ts';

const CHECKPOINT_NAME = 'projection:npc-memories';
const CHECKPOINT_INTERVAL_MS = 1_000;
/** Players' streams (talks, moves, deaths, quests, gifts), places' (fights), NPCs' own and the content's. */
export const NPC_MEMORY_FILTER = {
  streamPrefixes: ['player-', 'location-', NPC_STREAM_PREFIX, WORLD_CONTENT_STREAM],
};
const CATCH_UP_PAGE = 5_000;
/** Memories embedded in one call: an Ollama embedder takes a batch, within a sane request size. */
const REMEMBER_CHUNK = 64;

/**
 * What NPCs remember, written in the background, off the request path (see NpcMemoryBook for what
 * each event makes): talks and the facts players tell about themselves, private to their player;
 * what NPCs see happen near them and their reflections, public. It follows every event of those
 * streams (not only the ones that make memories) so that it knows how far it has read.
 *
 * With a durable memory store it is a reactor (at least once: the checkpoint is saved after the
 * memories, and every memory's id is derived from its event, so a redelivered event replaces its own
 * memories). The book's state (names, fights, what each NPC saw since its last reflection) is not
 * stored: at start the book reads the events up to the checkpoint again, without writing, so that
 * after a restart (or in another process) reflections fire at the same events, with the same ids, as
 * in one uninterrupted run. That costs a read of those events' types from the log at start. In process
 * it is all rebuilt from the first event at every start. A memory store that is down stalls it (the
 * batch is retried, nothing is lost); talks go on without memories.
 */
export class NpcMemoryProjection {
  private position: Position = -1n;
  private waiters: { position: Position; resolve: () => void }[] = [];
  private readonly consumer: ConsumerRunner;
  private book: NpcMemoryBook;

  constructor(
    private readonly store: EventStore,
    private readonly memory: Pick<MemoryRecall, 'rememberAll'>,
    logger: Logger,
    /** The content in force now: the book follows the versions recorded in the log from there. */
    private readonly world: () => World,
    /** Where a durable memory store keeps its place; without it (in-process memory) every start rebuilds. */
    private readonly checkpoints?: CheckpointStore,
    options: { maxBatch?: number; retryDelayMs?: number; checkpointEveryMs?: number } = {},
  ) {
    this.book = new NpcMemoryBook(world());
    const handle = (batch: Batch) => this.remember(batch);
    const sink: Sink = checkpoints
      ? {
          delivery: 'at-least-once',
          checkpoints,
          checkpointName: CHECKPOINT_NAME,
          checkpointEveryMs: options.checkpointEveryMs ?? CHECKPOINT_INTERVAL_MS,
          handle,
        }
      : { delivery: 'in-memory', from: 'start', handle };
    this.consumer = new ConsumerRunner({
      name: 'npc-memories',
      store,
      filter: NPC_MEMORY_FILTER,
      sink,
      logger,
      ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
      retryDelayMs: options.retryDelayMs ?? 500,
    });
    this.consumer.onDelivered((position) => this.advance(position));
  }

  async start(): Promise<void> {
    this.book = new NpcMemoryBook(this.world());
    const checkpoint = await this.checkpoints?.load(CHECKPOINT_NAME);
    if (checkpoint !== undefined) await this.catchUp(checkpoint);
    await this.consumer.start();
    this.position = this.consumer.currentPosition;
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
  }

  status() {
    return this.consumer.status();
  }

  caughtUp(): Promise<void> {
    return this.consumer.caughtUp();
  }

  /** Resolves true once every event up to `position` is remembered, or false after `timeoutMs`. */
  waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    if (this.position >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { position, resolve: () => resolve(true) };
      this.waiters.push(waiter);
      setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
    });
  }

  private advance(position: Position): void {
    this.position = position;
    const ready = this.waiters.filter((w) => w.position <= position);
    this.waiters = this.waiters.filter((w) => w.position > position);
    for (const waiter of ready) waiter.resolve();
  }

  /**
   * The batch's memories, embedded and stored a chunk at a time (one embedder call per chunk). The book
   * reads each event after the one before has taken effect in it; when a write fails, the book goes
   * back to where it stood before the batch, which comes again.
   */
  private async remember(batch: Batch): Promise<void> {
    const restore = this.book.snapshot();
    const memories = new Map<string, MemoryToWrite>();
    for (const event of batch.events) {
      const read = this.book.read(event);
      if (!read) continue;
      // A later memory of the same id (a name told again) replaces the earlier one.
      for (const memory of read.memories) {
        memories.delete(memory.id);
        memories.set(memory.id, memory);
      }
      read.commit();
    }
    try {
      const all = [...memories.values()];
      for (let i = 0; i < all.length; i += REMEMBER_CHUNK) {
        await this.memory.rememberAll(all.slice(i, i + REMEMBER_CHUNK));
      }
    } catch (error) {
      restore();
      throw error;
    }
  }

  /** The book as it stood at the checkpoint, from the events before it (no memory is written). */
  private async catchUp(checkpoint: Position): Promise<void> {
    const filter = { ...NPC_MEMORY_FILTER, eventTypes: MEMORY_EVENT_TYPES };
    let after: Position | 'start' = 'start';
    for (;;) {
      const events = await this.store.readAll({ after, maxCount: CATCH_UP_PAGE, filter });
      for (const event of events) {
        if (event.position > checkpoint) return;
        this.book.replay(event);
      }
      if (events.length < CATCH_UP_PAGE) return;
      after = events.at(-1)!.position;
    }
  }
}

/** How long a talk waits for the memory of the talks before it (usually it is there in milliseconds). */
const CATCH_UP_WAIT_MS = 500;

/** The lanes' view of NPC memory: recall after the projection has caught up with the action. */
export function npcMemoryRecaller(
  recall: MemoryRecall,
  projection: NpcMemoryProjection,
  runtime: WorldRuntime,
): MemoryRecaller {
  return {
    async recall({ npcId, playerId, query, at, upTo }) {
      await projection.waitFor(upTo, CATCH_UP_WAIT_MS);
      const memories = await recall.recall({
        npcId,
        playerId,
        query,
        now: at,
        secondsPerGameHour: runtime.world.content.time.secondsPerGameHour,
        limit: MEMORIES_RECALLED,
      });
      return memories.map(recalledMemory);
    },
  };
}

/** A memory as the lanes read it: the player's words only for a conversation. */
export function recalledMemory(memory: FoundAndRanked): RecalledMemory {
  const kind = memory.kind ?? 'conversation';
  return {
    kind,
    text: memory.text,
    ...(kind === 'conversation' && memory.playerId ? { playerMessage: memory.text } : {}),
    ...(kind === 'conversation' && memory.npcReply !== undefined ? { npcReply: memory.npcReply } : {}),
    ...(kind === 'fact' && memory.fact ? { fact: memory.fact } : {}),
    ...(memory.playerId ? { playerId: memory.playerId } : {}),
    createdAt: memory.createdAt,
    importance: memory.importance,
  };
}
