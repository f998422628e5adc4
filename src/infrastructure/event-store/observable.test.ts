import { randomUUID } from 'node:crypto';
import { bufferCount, firstValueFrom, map } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInMemoryEventStore } from '../testing/embedded-store.ts';
import type { EventStore } from './event-store.ts';
import { toObservable } from './observable.ts';

describe('subscriptions as rxjs Observables', () => {
  let store: EventStore;
  beforeAll(async () => {
    store = await openInMemoryEventStore();
  });
  afterAll(() => store?.close());

  it('emits history then live events in order, and closes the subscription on unsubscribe', async () => {
    const event = (type: string) => ({
      id: randomUUID(),
      type,
      data: {},
      metadata: { timestamp: new Date().toISOString() },
    });
    await store.appendToStream('obs-1', [event('Old')], { expectedRevision: 'no_stream' });
    const types = firstValueFrom(
      toObservable(store.subscribeToAll({ filter: { streamPrefixes: ['obs-'] } })).pipe(
        map((e) => e.type),
        bufferCount(3),
      ),
    );
    await store.appendToStream('obs-1', [event('New1'), event('New2')], { expectedRevision: 0n });
    expect(await types).toEqual(['Old', 'New1', 'New2']);
  });
});
