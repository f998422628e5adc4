import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decider, DomainError } from '../domain/decider.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
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
