import type {
  EventStore,
  StoredEvent,
  WorkGroupSubscription,
} from '../infrastructure/event-store/event-store.ts';
import type { Logger } from '../infrastructure/logger.ts';

/** The consumer group the lanes share on a store that has them (EventStoreDB). */
export const ACTIONS_WORK_GROUP = 'lane-actions';
/** An action not acknowledged in this long goes to another member: longer than any action may take. */
const MESSAGE_TIMEOUT_MS = 30_000;
const REJOIN_DELAY_MS = 1_000;

/**
 * The lanes as members of the store's consumer group: the store hands each `ActionRequested` to one
 * live member and gives it to another when that member dies, so no action needs adopting here. Each
 * player's actions are resolved one at a time, in order (the group pins a player's stream to one
 * member); different players' at once, up to `concurrency`.
 */
export class ActionWorkGroup {
  private subscription: WorkGroupSubscription | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private readonly tails = new Map<string, Promise<void>>();

  constructor(
    private readonly store: EventStore & Required<Pick<EventStore, 'joinWorkGroup'>>,
    private readonly resolve: (event: StoredEvent) => Promise<void>,
    private readonly logger: Logger,
    private readonly concurrency: number,
  ) {}

  /** `after`: where a group that does not exist yet starts (the lanes' earlier checkpoint). */
  async start(after: bigint): Promise<void> {
    this.stopping = false;
    await this.join(after);
  }

  private async join(after: bigint): Promise<void> {
    const subscription = this.store.joinWorkGroup(ACTIONS_WORK_GROUP, {
      filter: { eventTypes: ['ActionRequested'] },
      bufferSize: this.concurrency,
      after,
      messageTimeoutMs: MESSAGE_TIMEOUT_MS,
    });
    this.subscription = subscription;
    await subscription.joined;
    this.loop = this.follow(subscription).then(async () => {
      // Membership lost (the server went away): join again, as the other members would.
      while (!this.stopping) {
        await new Promise((resolve) => setTimeout(resolve, REJOIN_DELAY_MS));
        if (this.stopping) return;
        try {
          return await this.join(after);
        } catch (error) {
          this.logger.warn({ err: error }, 'could not join the lanes consumer group again; retrying');
        }
      }
    });
  }

  /** Leaves the group: the store gives what this member had not acknowledged to the others. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.close();
    await this.loop;
    await Promise.all(this.tails.values());
  }

  private async follow(subscription: WorkGroupSubscription): Promise<void> {
    try {
      for await (const work of subscription) {
        const key = work.event.streamId;
        const tail = (this.tails.get(key) ?? Promise.resolve())
          .then(() => this.resolve(work.event))
          .then(
            () => work.ack(),
            (error) => work.nack(String((error as Error).message ?? error), 'retry'),
          )
          .catch((error) => this.logger.warn({ err: error }, 'could not acknowledge an action to the group'))
          .finally(() => {
            if (this.tails.get(key) === tail) this.tails.delete(key);
          });
        this.tails.set(key, tail);
      }
    } catch (error) {
      if (!this.stopping) this.logger.error({ err: error }, 'lost membership of the lanes consumer group');
    }
  }
}
