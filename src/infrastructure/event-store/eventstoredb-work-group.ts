import {
  END,
  type EventStoreDBClient,
  PARK,
  PersistentSubscriptionExistsError,
  type PersistentSubscriptionToAll,
  type PersistentSubscriptionToAllResolvedEvent,
  PINNED,
  persistentSubscriptionToAllSettingsFromDefaults,
  RETRY,
} from '@eventstore/db-client';
import type { WorkGroupOptions, WorkGroupSubscription, WorkItem } from './event-store.ts';
import { isVisible, readPosition, serverFilter, toStoredEvent } from './eventstoredb-mapping.ts';

const DEFAULT_BUFFER_SIZE = 10;

/**
 * A work group on EventStoreDB: a persistent subscription to $all (the server's consumer groups),
 * with the Pinned strategy, so that one stream's events go to one member. The group lives on the
 * server: it hands out events, counts retries, parks, and keeps its own checkpoint; events appended
 * while no member is connected wait for one.
 *
 * The server filters by one prefix list (event types, or stream ids); events that pass it but not the
 * exact filter are acked here and never reach the caller. The server limits what one member holds
 * unacknowledged to `bufferSize`, which bounds the queue between the call and the caller.
 */
export function joinEventStoreDbWorkGroup(
  client: EventStoreDBClient,
  group: string,
  options: WorkGroupOptions,
  onClose: () => void,
): WorkGroupSubscription {
  const { filter, after } = options;
  const queue = new WorkQueue();
  let closed = false;
  let source: PersistentSubscriptionToAll | undefined;
  let confirm: () => void = () => {};
  let refuse: (error: unknown) => void = () => {};
  const joined = new Promise<void>((resolve, reject) => {
    confirm = resolve;
    refuse = reject;
  });
  // Nobody has to wait for it: a failure also ends the iterator.
  joined.catch(() => {});

  const close = async () => {
    if (closed) return;
    closed = true;
    onClose();
    queue.end();
    refuse(new Error(`work group ${group}: closed before it was joined`));
    // Cancelling the call makes the server hand what this member held to the others.
    await source?.unsubscribe().catch(() => {});
    source?.destroy();
  };
  const fail = (error: unknown) => {
    if (closed) return;
    refuse(error);
    queue.fail(error);
    void close();
  };

  const settle = (
    subscription: PersistentSubscriptionToAll,
    resolved: PersistentSubscriptionToAllResolvedEvent,
  ) => ({
    // After close() the server has already taken the event back: settling it is meaningless.
    ack: async () => {
      if (!closed) await subscription.ack(resolved);
    },
    nack: async (reason: string, action: 'retry' | 'park') => {
      if (!closed) await subscription.nack(action === 'park' ? PARK : RETRY, reason, resolved);
    },
  });

  const receive = (
    subscription: PersistentSubscriptionToAll,
    resolved: PersistentSubscriptionToAllResolvedEvent,
  ) => {
    if (closed) return;
    try {
      const event = toStoredEvent(resolved);
      if (!event || (after !== undefined && event.position <= after) || !isVisible(event, filter)) {
        // Not the group's work (a start position is inclusive on the server, `after` is not).
        subscription.ack(resolved).catch(fail);
        return;
      }
      queue.push({ event, retryCount: resolved.retryCount, ...settle(subscription, resolved) });
    } catch (error) {
      fail(error);
    }
  };

  void (async () => {
    try {
      await createGroupIfMissing(client, group, options);
      if (closed) return;
      const subscription = client.subscribeToPersistentSubscriptionToAll(group, {
        bufferSize: options.bufferSize ?? DEFAULT_BUFFER_SIZE,
      });
      source = subscription;
      subscription.once('confirmation', () => confirm());
      subscription.on('data', (resolved) => receive(subscription, resolved));
      subscription.on('error', fail);
      subscription.on('end', () => fail(new Error(`work group ${group}: the server ended the membership`)));
    } catch (error) {
      fail(error);
    }
  })();

  async function* iterate(): AsyncGenerator<WorkItem> {
    try {
      for (let item = await queue.take(); item; item = await queue.take()) yield item;
    } finally {
      await close();
    }
  }
  return { joined, close, [Symbol.asyncIterator]: iterate };
}

/**
 * Creates the group unless it exists (members of several processes race to create it; one wins).
 * Its settings, start included, are those of its creation: an existing group keeps its own.
 */
async function createGroupIfMissing(
  client: EventStoreDBClient,
  group: string,
  options: WorkGroupOptions,
): Promise<void> {
  const settings = persistentSubscriptionToAllSettingsFromDefaults({
    // END: a group created on a store with history starts with the next event, not the first.
    startFrom: options.after === undefined ? END : readPosition(options.after),
    consumerStrategyName: PINNED,
    ...(options.messageTimeoutMs === undefined ? {} : { messageTimeout: options.messageTimeoutMs }),
    ...(options.maxRetryCount === undefined ? {} : { maxRetryCount: options.maxRetryCount }),
  });
  try {
    await client.createPersistentSubscriptionToAll(group, settings, { filter: serverFilter(options.filter) });
  } catch (error) {
    if (!(error instanceof PersistentSubscriptionExistsError)) throw error;
  }
}

/** Work delivered and not yet taken by the caller; `take` resolves undefined once the queue ended. */
class WorkQueue {
  private readonly items: WorkItem[] = [];
  private readonly takers: Array<{
    resolve: (item: WorkItem | undefined) => void;
    reject: (e: unknown) => void;
  }> = [];
  private ended = false;
  private failure: { error: unknown } | undefined;

  push(item: WorkItem): void {
    const taker = this.takers.shift();
    if (taker) taker.resolve(item);
    else this.items.push(item);
  }

  take(): Promise<WorkItem | undefined> {
    const item = this.items.shift();
    if (item) return Promise.resolve(item);
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => this.takers.push({ resolve, reject }));
  }

  /** Drops what was not taken: the server hands it out again. */
  end(): void {
    this.ended = true;
    this.items.length = 0;
    for (const taker of this.takers.splice(0)) taker.resolve(undefined);
  }

  fail(error: unknown): void {
    this.failure ??= { error };
    this.items.length = 0;
    for (const taker of this.takers.splice(0)) taker.reject(error);
  }
}
