import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decider, DomainError } from '../domain/decider.ts';
import {
  AppendWithdrawnError,
  type EventStore,
  WrongExpectedRevisionError,
} from '../infrastructure/event-store/event-store.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import { CommandHandler } from './command-handler.ts';

type CounterEvent = { type: 'Incremented'; data: { by: number } };
type CounterCommand = { type: 'Increment'; by: number; max: number };
const counter: Decider<number, CounterCommand, CounterEvent> = {
  initialState: () => 0,
  evolve: (state, event) => state + event.data.by,
  decide: (command, state) => {
    if (state + command.by > command.max) throw new DomainError('too_big', 'over the maximum');
    return [{ type: 'Incremented', data: { by: command.by } }];
  },
};

describe('command handler', () => {
  let store: EventStore;
  beforeAll(async () => {
    store = await openInMemoryEventStore();
  });
  afterAll(() => store.close());

  it('decides against the current state and appends with the expected revision', async () => {
    const handler = new CommandHandler(store);
    const first = await handler.handle(
      'counter-a',
      counter,
      { type: 'Increment', by: 2, max: 10 },
      { commandId: 'c1', correlationId: 'x' },
    );
    expect(first.state).toBe(2);
    expect(first.nextExpectedRevision).toBe(0n);
    const [stored] = await store.readStream('counter-a');
    expect(stored!.metadata).toMatchObject({ correlationId: 'x', causationId: 'c1' });
    await expect(
      handler.handle('counter-a', counter, { type: 'Increment', by: 9, max: 10 }, { commandId: 'c2' }),
    ).rejects.toThrow(DomainError);
  });

  it('is idempotent by command id', async () => {
    const handler = new CommandHandler(store);
    await handler.handle('counter-b', counter, { type: 'Increment', by: 1, max: 10 }, { commandId: 'same' });
    const again = await new CommandHandler(store).handle(
      'counter-b',
      counter,
      { type: 'Increment', by: 1, max: 10 },
      { commandId: 'same' },
    );
    expect(again.alreadyHandled).toBe(true);
    expect(again.events.map((e) => e.type)).toEqual(['Incremented']);
    expect(again.state).toBe(1);
    expect(await store.readStream('counter-b')).toHaveLength(1);
  });

  it('retries after losing a race, so concurrent commands all land and the rules still hold', async () => {
    const handlers = Array.from({ length: 4 }, () => new CommandHandler(store));
    await handlers[0]!.handle(
      'counter-c',
      counter,
      { type: 'Increment', by: 1, max: 6 },
      { commandId: 'seed' },
    );
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        handlers[i % 4]!.handle(
          'counter-c',
          counter,
          { type: 'Increment', by: 1, max: 6 },
          { commandId: `r${i}` },
        ),
      ),
    );
    const refused = results
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason);
    expect(refused.every((reason) => reason instanceof DomainError)).toBe(true);
    expect(refused).toHaveLength(3);
    expect((await store.readStream('counter-c')).length).toBe(6);
  });

  it('reads only new events for a cached stream, and sees appends made elsewhere', async () => {
    const handler = new CommandHandler(store);
    await handler.handle('counter-d', counter, { type: 'Increment', by: 1, max: 10 }, { commandId: 'd1' });
    await new CommandHandler(store).handle(
      'counter-d',
      counter,
      { type: 'Increment', by: 5, max: 10 },
      { commandId: 'd2' },
    );
    expect((await handler.load('counter-d', counter)).state).toBe(6);
  });
});

type StockEvent = { type: 'Added' | 'Removed'; data: { count: number } };
type StockCommand = { type: 'Add' | 'Remove'; count: number };
/** Removing needs stock: a refusal that a cache behind the store could get wrong. */
const stock: Decider<number, StockCommand, StockEvent> = {
  initialState: () => 0,
  evolve: (state, event) => state + (event.type === 'Added' ? event.data.count : -event.data.count),
  decide: (command, state) => {
    if (command.type === 'Add') return [{ type: 'Added', data: { count: command.count } }];
    if (command.count > state) throw new DomainError('out_of_stock', 'not enough in stock');
    return [{ type: 'Removed', data: { count: command.count } }];
  },
};

/** The store, counting the calls a handler makes to it. */
function counting(store: EventStore) {
  const calls = { reads: 0, appends: 0, conflicts: 0 };
  const wrapped: EventStore = Object.create(store, {
    readStream: {
      value: (...args: Parameters<EventStore['readStream']>) => {
        calls.reads++;
        return store.readStream(...args);
      },
    },
    appendToStream: {
      value: async (...args: Parameters<EventStore['appendToStream']>) => {
        calls.appends++;
        try {
          return await store.appendToStream(...args);
        } catch (error) {
          if (error instanceof WrongExpectedRevisionError) calls.conflicts++;
          throw error;
        }
      },
    },
  });
  return { store: wrapped, calls };
}

describe('command handler: state in memory, the store as the log', () => {
  let store: EventStore;
  beforeAll(async () => {
    store = await openInMemoryEventStore();
  });
  afterAll(() => store.close());

  it('finds a retried command before deciding, even when deciding again would now refuse it', async () => {
    const handler = new CommandHandler(store);
    const first = await handler.handle('stock-a', stock, { type: 'Add', count: 3 }, { commandId: 'add' });
    await handler.handle('stock-a', stock, { type: 'Remove', count: 2 }, { commandId: 'take' });
    await handler.handle('stock-a', stock, { type: 'Remove', count: 1 }, { commandId: 'other' });
    // The stock is empty now: a second decision of `take` would be refused.
    for (const retrying of [handler, new CommandHandler(store)]) {
      const again = await retrying.handle(
        'stock-a',
        stock,
        { type: 'Remove', count: 2 },
        { commandId: 'take' },
      );
      expect(again.alreadyHandled).toBe(true);
      expect(again.events.map((e) => [e.type, e.data])).toEqual([['Removed', { count: 2 }]]);
      expect(again.state).toBe(0);
    }
    expect(first.events[0]!.metadata.commandId).toBe('add');
    expect(await handler.find('stock-a', stock, 'take')).toHaveLength(1);
    expect(await handler.find('stock-a', stock, 'never-given')).toBeUndefined();
    expect(await store.readStream('stock-a')).toHaveLength(3);
  });

  it('decides on a cached stream without reading the store', async () => {
    const { store: watched, calls } = counting(store);
    const handler = new CommandHandler(watched);
    await handler.handle('stock-b', stock, { type: 'Add', count: 1 }, { commandId: 'b0' });
    const readsAfterFirst = calls.reads;
    for (let i = 1; i <= 5; i++)
      await handler.handle('stock-b', stock, { type: 'Add', count: 1 }, { commandId: `b${i}` });
    expect(calls.reads).toBe(readsAfterFirst);
    expect((await handler.load('stock-b', stock)).state).toBe(6);
  });

  it('runs the commands of one stream one after another, so they never conflict with each other', async () => {
    const { store: watched, calls } = counting(store);
    const handler = new CommandHandler(watched);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        handler.handle('stock-c', stock, { type: 'Add', count: 1 }, { commandId: `c${i}` }),
      ),
    );
    expect(calls.conflicts).toBe(0);
    expect(calls.appends).toBe(10);
    expect(await store.readStream('stock-c')).toHaveLength(10);
  });

  it('catches a cache that fell behind: a conflict reloads, a refusal or a no-op is checked with the store', async () => {
    const handler = new CommandHandler(store);
    const elsewhere = new CommandHandler(store);
    await handler.handle('stock-d', stock, { type: 'Add', count: 1 }, { commandId: 'd1' });
    await elsewhere.handle('stock-d', stock, { type: 'Add', count: 4 }, { commandId: 'd2' });
    // The cache says 1: removing 3 would be refused on it, but the store holds 5.
    const removed = await handler.handle('stock-d', stock, { type: 'Remove', count: 3 }, { commandId: 'd3' });
    expect(removed.state).toBe(2);
    await elsewhere.handle('stock-d', stock, { type: 'Add', count: 1 }, { commandId: 'd4' });
    const added = await handler.handle('stock-d', stock, { type: 'Add', count: 1 }, { commandId: 'd5' });
    expect(added.state).toBe(4);
    expect(added.nextExpectedRevision).toBe(4n);
  });

  it('follows the live events, so appends made by another process reach its cached states', async () => {
    const { store: watched, calls } = counting(store);
    const handler = new CommandHandler(watched);
    await handler.start();
    try {
      await handler.handle('stock-e', stock, { type: 'Add', count: 1 }, { commandId: 'e1' });
      await new CommandHandler(store).handle(
        'stock-e',
        stock,
        { type: 'Add', count: 2 },
        { commandId: 'e2' },
      );
      for (let i = 0; i < 100 && handler.peek('stock-e', stock)?.revision !== 1n; i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(handler.peek('stock-e', stock)).toEqual({ state: 3, revision: 1n });
      const reads = calls.reads;
      const next = await handler.handle('stock-e', stock, { type: 'Remove', count: 3 }, { commandId: 'e3' });
      expect(next.state).toBe(0);
      expect(calls.reads).toBe(reads);
      expect(calls.conflicts).toBe(0);
      expect((await handler.current('stock-e', stock)).state).toBe(0);
    } finally {
      await handler.stop();
    }
  });
});

describe('withdrawing a command that waits for its turn', () => {
  it('rejects at once with AppendWithdrawnError and never appends it, while the command before it completes', async () => {
    const store = await openInMemoryEventStore();
    try {
      const handler = new CommandHandler(store);
      const stream = `queued-${randomUUID()}`;
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const original = store.appendToStream.bind(store);
      let appends = 0;
      store.appendToStream = async (...args) => {
        appends++;
        if (appends === 1) await held;
        return original(...args);
      };
      const first = handler.handle(
        stream,
        counter,
        { type: 'Increment', by: 1, max: 10 },
        { commandId: 'first' },
      );
      const withdraw = new AbortController();
      const second = handler.handle(
        stream,
        counter,
        { type: 'Increment', by: 2, max: 10 },
        { commandId: 'second', signal: withdraw.signal },
      );
      withdraw.abort();
      await expect(second).rejects.toBeInstanceOf(AppendWithdrawnError);
      release();
      await first;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(appends).toBe(1);
      expect((await store.readStream(stream)).map((e) => e.data)).toEqual([{ by: 1 }]);
    } finally {
      await store.close();
    }
  });
});
