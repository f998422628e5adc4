import type { ActionPartitions, OrphanedActions } from '../infrastructure/action-partitions.ts';
import type { EventStore, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import type { Logger } from '../infrastructure/logger.ts';

export interface ActionAdoptionOptions {
  store: EventStore;
  partitions: ActionPartitions;
  /** This process. */
  processId: string;
  /** The processes whose lease has not run out. */
  liveProcesses: () => Promise<Set<string>>;
  /** Resolves one action (idempotent: an action its owner resolved before dying is left as it is). */
  resolve: (event: StoredEvent) => Promise<void>;
  logger: Logger;
  /** How often to look for the actions of processes that died. */
  everyMs: number;
  /** Players whose adopted actions are resolved at the same time (each player's in order). */
  concurrency?: number;
  /**
   * A dead process's checkpoint is kept (and drained again on each pass) until its lease ran out this
   * long ago: a process that stalled past its TTL may record an action or two before its next renewal
   * tells it to stop. 0 where no other process can exist (the embedded database).
   */
  keepForMs: number;
}

const PAGE = 1_000;
const CONCURRENCY = 16;

/** Whose actions an `ActionRequested` is: the process that recorded it (its player's socket holder). */
export function ownerOf(event: StoredEvent): string | undefined {
  const owner = event.metadata.processId;
  return typeof owner === 'string' ? owner : undefined;
}

/**
 * Resolves the actions a dead process left: once its lease has run out, one live process claims its
 * checkpoint (a row lock settles the race), reads the log after it and resolves that process's
 * actions (each player's in order), then drops the checkpoint. A claim whose adopter dies in turn is
 * taken again by another; resolving is idempotent, so an action half done is finished, never doubled.
 */
export class ActionAdoption {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(private readonly options: ActionAdoptionOptions) {}

  start(): void {
    this.stopping = false;
    this.running = this.adopt();
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.adopt());
    }, this.options.everyMs);
    this.timer.unref();
  }

  /** Lets the action being resolved finish; the rest of an adopted checkpoint is left for another process. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: claims every orphaned checkpoint and resolves what it left; returns how many actions. */
  async adopt(): Promise<number> {
    const { partitions, processId, logger } = this.options;
    if (this.stopping) return 0;
    try {
      const live = [...(await this.options.liveProcesses())].filter((id) => id !== processId);
      let resolved = 0;
      for (const orphan of await partitions.claimOrphans(processId, live)) {
        if (this.stopping) break;
        const { count, position } = await this.drain(orphan);
        if (this.stopping) break;
        const gone =
          orphan.owner === undefined ||
          orphan.expiredForMs === undefined ||
          orphan.expiredForMs >= this.options.keepForMs;
        if (gone) await partitions.release(orphan.name);
        else await partitions.advance(orphan.name, position);
        resolved += count;
        if (count > 0)
          logger.info(
            { checkpoint: orphan.name, owner: orphan.owner ?? null, actions: count },
            'resolved the actions a stopped process left',
          );
      }
      return resolved;
    } catch (error) {
      // The claim stays with this process, which takes it again on its next pass.
      if (!this.stopping)
        logger.warn({ err: error }, 'could not resolve the actions a stopped process left; trying again');
      return 0;
    }
  }

  private async drain(orphan: OrphanedActions): Promise<{ count: number; position: bigint }> {
    const { store } = this.options;
    let after = orphan.position;
    let count = 0;
    while (!this.stopping) {
      const page = await store.readAll({
        after,
        filter: { eventTypes: ['ActionRequested'] },
        maxCount: PAGE,
      });
      if (page.length === 0) break;
      after = page[page.length - 1]!.position;
      const left = page.filter((event) => ownerOf(event) === orphan.owner);
      await this.resolveInOrderPerPlayer(left);
      count += left.length;
    }
    return { count, position: after };
  }

  private async resolveInOrderPerPlayer(events: readonly StoredEvent[]): Promise<void> {
    const byPlayer = new Map<string, StoredEvent[]>();
    for (const event of events) {
      const queue = byPlayer.get(event.streamId);
      if (queue) queue.push(event);
      else byPlayer.set(event.streamId, [event]);
    }
    const queues = [...byPlayer.values()];
    const worker = async () => {
      for (let queue = queues.pop(); queue; queue = queues.pop())
        for (const event of queue) {
          if (this.stopping) return;
          await this.options.resolve(event);
        }
    };
    await Promise.all(Array.from({ length: this.options.concurrency ?? CONCURRENCY }, worker));
    if (this.stopping) throw new Error('stopped while resolving adopted actions');
  }
}
