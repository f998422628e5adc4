import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decider } from '../domain/decider.ts';
import type { AppendOptions, EventStore } from '../infrastructure/event-store/event-store.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import { CommandHandler } from './command-handler.ts';

type NoteEvent = { type: 'Noted'; data: { text: string } };
const notes: Decider<number, { text: string }, NoteEvent> = {
  initialState: () => 0,
  evolve: (state) => state + 1,
  decide: (command) => [{ type: 'Noted', data: { text: command.text } }],
};

describe('command context passed through to the store', () => {
  let store: EventStore;
  beforeAll(async () => {
    store = await openInMemoryEventStore();
  });
  afterAll(() => store.close());

  it('stamps the events with the given time instead of now', async () => {
    const handler = new CommandHandler(store, { now: () => new Date('2030-01-01T00:00:00.000Z') });
    const arrived = new Date('2026-11-25T10:00:00.123Z');
    await handler.handle('notes-a', notes, { text: 'x' }, { commandId: 'n1', timestamp: arrived });
    await handler.handle('notes-a', notes, { text: 'y' }, { commandId: 'n2' });
    const [given, defaulted] = await store.readStream('notes-a');
    expect(given!.metadata.timestamp).toBe(arrived.toISOString());
    expect(defaulted!.metadata.timestamp).toBe('2030-01-01T00:00:00.000Z');
  });

  it('hands the signal to the append', async () => {
    const seen: (AppendOptions['signal'] | undefined)[] = [];
    const watching: EventStore = Object.create(store, {
      appendToStream: {
        value: (...args: Parameters<EventStore['appendToStream']>) => {
          seen.push(args[2].signal);
          return store.appendToStream(...args);
        },
      },
    });
    const handler = new CommandHandler(watching);
    const controller = new AbortController();
    await handler.handle('notes-b', notes, { text: 'x' }, { commandId: 'n1', signal: controller.signal });
    await handler.handle('notes-b', notes, { text: 'y' }, { commandId: 'n2' });
    expect(seen).toEqual([controller.signal, undefined]);
  });
});
