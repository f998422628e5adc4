import type { AllFilter, EventStore, StoredEvent, Subscription } from '../event-store/event-store.ts';

/**
 * One store seen as many: every stream id gets the namespace in front, and reads and subscriptions
 * see only the namespace's streams (named without it). Lets test runs that need the same stream ids
 * share one store (positions stay global: compare them, never count with them).
 */
export function namespacedStore(store: EventStore, namespace: string): EventStore {
  const inside = (streamId: string) => `${namespace}${streamId}`;
  const outside = (event: StoredEvent): StoredEvent => ({
    ...event,
    streamId: event.streamId.slice(namespace.length),
  });
  const within = (filter: AllFilter | undefined): AllFilter => ({
    ...filter,
    streamPrefixes: (filter?.streamPrefixes ?? ['']).map(inside),
  });
  return {
    name: store.name,
    appendToStream: (streamId, events, options) => store.appendToStream(inside(streamId), events, options),
    readStream: async (streamId, options) => (await store.readStream(inside(streamId), options)).map(outside),
    readAll: async (options = {}) =>
      (await store.readAll({ ...options, filter: within(options.filter) })).map(outside),
    subscribeToAll(options = {}): Subscription {
      const subscription = store.subscribeToAll({ ...options, filter: within(options.filter) });
      return {
        close: () => subscription.close(),
        async *[Symbol.asyncIterator]() {
          for await (const event of subscription) yield outside(event);
        },
      };
    },
    headPosition: () => store.headPosition(),
    close: async () => {},
  };
}
