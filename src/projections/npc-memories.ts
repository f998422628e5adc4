import type { WorldRuntime } from '../commands/world-runtime.ts';
import { rateImportance } from '../domain/memory/retrieval.ts';
import type { PlayerEventOf } from '../domain/player/player-events.ts';
import type { MemoryRecaller } from '../gpu/action-processor.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import { ConsumerRunner } from '../infrastructure/consumers/consumer-runner.ts';
import type { Batch, Sink } from '../infrastructure/consumers/sink.ts';
import type { EventStore, Position } from '../infrastructure/event-store/event-store.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { MemoryRecall } from '../infrastructure/memory/memory-recall.ts';

const CHECKPOINT_NAME = 'projection:npc-memories';
const CHECKPOINT_INTERVAL_MS = 1_000;
export const NPC_MEMORY_FILTER = { streamPrefixes: ['player-'] };

/**
 * Every talk becomes a memory of the NPC: the player's words, who said them, when, and how important
 * they seem. Written from `NpcConversationHeld` events in the background, off the request path.
 * It follows all player events (not only talks) so that it knows how far it has read.
 *
 * With a durable memory store it is a reactor (at least once: the checkpoint is saved after the
 * memories, and a memory's id is its event's id, so a redelivered talk replaces itself); in process
 * it is rebuilt from the first event at every start. A memory store that is down stalls it (the
 * batch is retried, nothing is lost); talks go on without memories.
 */
export class NpcMemoryProjection {
  private position: Position = -1n;
  private waiters: { position: Position; resolve: () => void }[] = [];
  private readonly consumer: ConsumerRunner;

  constructor(
    store: EventStore,
    private readonly memory: Pick<MemoryRecall, 'remember'>,
    logger: Logger,
    /** Where a durable memory store keeps its place; without it (in-process memory) every start rebuilds. */
    checkpoints?: CheckpointStore,
    options: { maxBatch?: number; retryDelayMs?: number; checkpointEveryMs?: number } = {},
  ) {
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

  private async remember(batch: Batch): Promise<void> {
    for (const event of batch.events) {
      if (event.type !== 'NpcConversationHeld') continue;
      const talk = event.data as PlayerEventOf<'NpcConversationHeld'>['data'];
      await this.memory.remember({
        id: event.id,
        npcId: talk.npcId,
        playerId: talk.playerId,
        text: talk.message,
        importance: rateImportance(talk.message),
        createdAt: talk.at,
        lastAccessedAt: talk.at,
      });
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
      });
      return memories.map((m) => ({
        text: m.text,
        ...(m.playerId ? { playerId: m.playerId, playerMessage: m.text } : {}),
        createdAt: m.createdAt,
        importance: m.importance,
      }));
    },
  };
}
