import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AppendWithdrawnError,
  type EventStore,
  type NewEvent,
  PartialDuplicateAppendError,
  type StoredEvent,
  WrongExpectedRevisionError,
} from './event-store.ts';

export interface EventStoreUnderTest {
  name: string;
  open(): Promise<EventStore>;
}

const newEvent = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { timestamp: new Date().toISOString(), correlationId: randomUUID(), playerId: 'p-1' },
});

/** The behaviour every EventStore adapter must have. Streams get unique names so runs never collide. */
export function eventStoreContract(subject: EventStoreUnderTest): void {
  describe(`EventStore contract: ${subject.name}`, () => {
    let store: EventStore;
    let run: string;
    const stream = (name: string) => `${name}-${run}`;

    beforeAll(async () => {
      store = await subject.open();
    });
    afterAll(async () => {
      await store?.close();
    });
    beforeEach(() => {
      run = randomUUID().slice(0, 8);
    });

    it('appends to a new stream and reads it back forwards with revisions from 0', async () => {
      const events = [newEvent('A', { n: 1 }), newEvent('B', { n: 2 })];
      const result = await store.appendToStream(stream('s'), events, { expectedRevision: 'no_stream' });
      expect(result.nextExpectedRevision).toBe(1n);
      expect(result.alreadyAppended).toBe(false);

      const read = await store.readStream(stream('s'));
      expect(read.map((e) => [e.type, e.revision, e.data])).toEqual([
        ['A', 0n, { n: 1 }],
        ['B', 1n, { n: 2 }],
      ]);
      expect(read[0]!.id).toBe(events[0]!.id);
      expect(read[0]!.metadata).toMatchObject(events[0]!.metadata);
      expect(read[1]!.position).toBeGreaterThan(read[0]!.position);
      expect(result.position).toBe(read[1]!.position);
    });

    it('reads a stream backwards and from a revision', async () => {
      await store.appendToStream(stream('s'), [newEvent('A'), newEvent('B'), newEvent('C')], {
        expectedRevision: 'any',
      });
      const backwards = await store.readStream(stream('s'), { direction: 'backwards', maxCount: 2 });
      expect(backwards.map((e) => e.type)).toEqual(['C', 'B']);
      const fromOne = await store.readStream(stream('s'), { fromRevision: 1n });
      expect(fromOne.map((e) => e.type)).toEqual(['B', 'C']);
      expect(await store.readStream(stream('missing'))).toEqual([]);
    });

    it('enforces every kind of expected revision', async () => {
      const s = stream('occ');
      await expect(
        store.appendToStream(s, [newEvent('A')], { expectedRevision: 'stream_exists' }),
      ).rejects.toThrow(WrongExpectedRevisionError);
      await expect(store.appendToStream(s, [newEvent('A')], { expectedRevision: 0n })).rejects.toThrow(
        WrongExpectedRevisionError,
      );
      await store.appendToStream(s, [newEvent('A')], { expectedRevision: 'no_stream' });
      await expect(
        store.appendToStream(s, [newEvent('B')], { expectedRevision: 'no_stream' }),
      ).rejects.toThrow(WrongExpectedRevisionError);
      await store.appendToStream(s, [newEvent('B')], { expectedRevision: 'stream_exists' });
      await store.appendToStream(s, [newEvent('C')], { expectedRevision: 1n });
      const stale = store.appendToStream(s, [newEvent('D')], { expectedRevision: 1n });
      await expect(stale).rejects.toMatchObject({ name: 'WrongExpectedRevisionError', actual: 2n });
      await store.appendToStream(s, [newEvent('E')], { expectedRevision: 'any' });
      expect((await store.readStream(s)).map((e) => e.type)).toEqual(['A', 'B', 'C', 'E']);
    });

    it('lets exactly one of two racing writers with the same expected revision win', async () => {
      const s = stream('race');
      await store.appendToStream(s, [newEvent('Created')], { expectedRevision: 'no_stream' });
      const results = await Promise.allSettled([
        store.appendToStream(s, [newEvent('First')], { expectedRevision: 0n }),
        store.appendToStream(s, [newEvent('Second')], { expectedRevision: 0n }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(WrongExpectedRevisionError);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('treats re-appending the same event ids as an idempotent success', async () => {
      const s = stream('idem');
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
      const retry = await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
      expect(retry.alreadyAppended).toBe(true);
      expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
      const retryAny = await store.appendToStream(s, events, { expectedRevision: 'any' });
      expect(retryAny.alreadyAppended).toBe(true);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('recognises a retry that expects the current revision', async () => {
      const s = stream('idem-current');
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.appendToStream(s, events, { expectedRevision: 'no_stream' });
      const retry = await store.appendToStream(s, events, { expectedRevision: first.nextExpectedRevision });
      expect(retry).toMatchObject({
        alreadyAppended: true,
        nextExpectedRevision: 1n,
        position: first.position,
      });
      await expect(
        store.appendToStream(s, [events[0]!, newEvent('C')], {
          expectedRevision: first.nextExpectedRevision,
        }),
      ).rejects.toThrow(PartialDuplicateAppendError);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('writes nothing for an append whose signal was aborted before it was sent', async () => {
      const s = stream('withdrawn');
      const controller = new AbortController();
      controller.abort();
      await expect(
        store.appendToStream(s, [newEvent('A')], { expectedRevision: 'any', signal: controller.signal }),
      ).rejects.toThrow(AppendWithdrawnError);
      expect(await store.readStream(s)).toEqual([]);
    });

    it('refuses a batch that is only partly a retry, and bad appends, without writing anything', async () => {
      const s = stream('partial');
      const a = newEvent('A');
      await store.appendToStream(s, [a], { expectedRevision: 'no_stream' });
      await expect(store.appendToStream(s, [a, newEvent('B')], { expectedRevision: 'any' })).rejects.toThrow(
        PartialDuplicateAppendError,
      );
      await expect(store.appendToStream(s, [], { expectedRevision: 'any' })).rejects.toThrow(/at least one/);
      await expect(
        store.appendToStream(s, [{ ...newEvent('X'), id: 'not-a-uuid' }], { expectedRevision: 'any' }),
      ).rejects.toThrow(/UUID/);
      expect(await store.readStream(s)).toHaveLength(1);
    });

    it('reads all events from a middle position, with stream-prefix and event-type filters', async () => {
      const before = await store.headPosition();
      const players = stream('player');
      const npcs = stream('npc');
      await store.appendToStream(`${players}-a`, [newEvent('Moved'), newEvent('Spoke')], {
        expectedRevision: 'any',
      });
      await store.appendToStream(`${npcs}-b`, [newEvent('Moved')], { expectedRevision: 'any' });
      await store.appendToStream(`${players}-c`, [newEvent('Moved')], { expectedRevision: 'any' });

      const all = (await store.readAll({ after: before, maxCount: 10_000 })).filter((e) =>
        e.streamId.includes(run),
      );
      expect(all.map((e) => e.streamId)).toEqual([
        `${players}-a`,
        `${players}-a`,
        `${npcs}-b`,
        `${players}-c`,
      ]);
      for (let i = 1; i < all.length; i++) expect(all[i]!.position).toBeGreaterThan(all[i - 1]!.position);

      const fromMiddle = await store.readAll({ after: all[1]!.position, maxCount: 10_000 });
      expect(fromMiddle.filter((e) => e.streamId.includes(run)).map((e) => e.position)).toEqual(
        all.slice(2).map((e) => e.position),
      );

      const onlyPlayers = await store.readAll({ after: before, filter: { streamPrefixes: [`${players}-`] } });
      expect(onlyPlayers.map((e) => e.streamId)).toEqual([`${players}-a`, `${players}-a`, `${players}-c`]);

      const moves = await store.readAll({
        after: before,
        filter: { streamPrefixes: [`${players}-`, `${npcs}-`], eventTypes: ['Moved'] },
      });
      expect(moves.map((e) => e.streamId)).toEqual([`${players}-a`, `${npcs}-b`, `${players}-c`]);
      expect(await store.readAll({ after: before, maxCount: 2 })).toHaveLength(2);
    });

    it('delivers every event exactly once, in global order, to a live subscriber while 8 writers append', async () => {
      const writers = 8;
      const perWriter = 40;
      const prefix = `${stream('conc')}-`;
      const before = await store.headPosition();
      const subscription = store.subscribeToAll({ after: 'end', filter: { streamPrefixes: [prefix] } });
      const received: StoredEvent[] = [];
      const expected = writers * perWriter;
      const consumed = (async () => {
        for await (const event of subscription) {
          received.push(event);
          if (received.length === expected) break;
        }
      })();

      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let i = 0; i < perWriter; i++) {
            // Half the writers share streams so that conflicts and retries happen too.
            const s = `${prefix}${w % 4}`;
            for (;;) {
              try {
                await store.appendToStream(s, [newEvent('Tick', { w, i })], { expectedRevision: 'any' });
                break;
              } catch (error) {
                if (!(error instanceof WrongExpectedRevisionError)) throw error;
              }
            }
          }
        }),
      );
      await consumed;
      await subscription.close();

      expect(received).toHaveLength(expected);
      expect(new Set(received.map((e) => e.id)).size).toBe(expected);
      for (let i = 1; i < received.length; i++)
        expect(received[i]!.position).toBeGreaterThan(received[i - 1]!.position);
      for (let w = 0; w < writers; w++) {
        const mine = received
          .filter((e) => (e.data as { w: number }).w === w)
          .map((e) => (e.data as { i: number }).i);
        expect(mine).toEqual(Array.from({ length: perWriter }, (_, i) => i));
      }
      const history = await store.readAll({ after: before, maxCount: 100_000 });
      expect(history.filter((e) => e.streamId.startsWith(prefix)).map((e) => e.id)).toEqual(
        received.map((e) => e.id),
      );
    });

    it('replays history before the live tail when subscribing from a position', async () => {
      const s = stream('catchup');
      const before = await store.headPosition();
      await store.appendToStream(s, [newEvent('Old1'), newEvent('Old2')], { expectedRevision: 'no_stream' });
      const subscription = store.subscribeToAll({ after: before, filter: { streamPrefixes: [s] } });
      const types: string[] = [];
      const consumed = (async () => {
        for await (const event of subscription) {
          types.push(event.type);
          if (types.length === 3) break;
        }
      })();
      await store.appendToStream(s, [newEvent('New')], { expectedRevision: 1n });
      await consumed;
      expect(types).toEqual(['Old1', 'Old2', 'New']);
    });
  });
}
