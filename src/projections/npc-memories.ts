import type { WorldRuntime } from '../commands/world-runtime.ts';
import { rateImportance } from '../domain/memory/retrieval.ts';
import type { PlayerEventOf } from '../domain/player/player-events.ts';
import type { MemoryRecaller } from '../gpu/action-processor.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import type {
  EventStore,
  Position,
  StoredEvent,
  Subscription,
} from '../infrastructure/event-store/event-store.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { MemoryRecall } from '../infrastructure/memory/memory-recall.ts';

const CHECKPOINT_NAME = 'projection:npc-memories';
const CHECKPOINT_INTERVAL_MS = 1_000;
const RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 10_000;

/**
 * Every talk becomes a memory of the NPC: the player's words, who said them, when, and how important
 * they seem. Written from `NpcConversationHeld` events in the background, off the request path.
 * It follows all player events (not only talks) so that it knows how far it has read.
 */
export class NpcMemoryProjection {
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;
  private position: Position = -1n;
  private waiters: { position: Position; resolve: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly memory: MemoryRecall,
    private readonly logger: Logger,
    /** Where a durable memory store keeps its place; without it (in-process memory) every start rebuilds. */
    private readonly checkpoints?: CheckpointStore,
  ) {}

  async start(): Promise<void> {
    const after = (await this.checkpoints?.load(CHECKPOINT_NAME)) ?? 'start';
    if (this.checkpoints) {
      let saved = after === 'start' ? -1n : after;
      this.timer = setInterval(() => {
        const position = this.position;
        if (position > saved)
          void this.checkpoints?.save(CHECKPOINT_NAME, position).then(
            () => (saved = position),
            () => {},
          );
      }, CHECKPOINT_INTERVAL_MS);
    }
    const subscription = this.store.subscribeToAll({ after, filter: { streamPrefixes: ['player-'] } });
    this.subscription = subscription;
    this.running = (async () => {
      for await (const event of subscription) {
        if (event.type === 'NpcConversationHeld') await this.rememberPatiently(event);
        this.advance(event.position);
      }
    })();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.subscription?.close();
    await this.running;
    if (this.position >= 0n) await this.checkpoints?.save(CHECKPOINT_NAME, this.position).catch(() => {});
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

  /** A memory store that is down stalls this projection (nothing is lost); talks go on without memories. */
  private async rememberPatiently(event: StoredEvent): Promise<void> {
    const talk = event.data as PlayerEventOf<'NpcConversationHeld'>['data'];
    for (let delay = RETRY_DELAY_MS; ; delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS)) {
      try {
        await this.memory.remember({
          id: event.id,
          npcId: talk.npcId,
          playerId: talk.playerId,
          text: talk.message,
          importance: rateImportance(talk.message),
          createdAt: talk.at,
          lastAccessedAt: talk.at,
        });
        return;
      } catch (error) {
        this.logger.warn({ err: error, eventId: event.id }, 'could not store an NPC memory; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
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
