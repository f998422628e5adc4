import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventStoreUnderTest } from './event-store.contract.ts';
import type { EventStore, NewEvent, StoredEvent, WorkGroupSubscription, WorkItem } from './event-store.ts';

const newEvent = (type: string, n: number): NewEvent => ({
  id: randomUUID(),
  type,
  data: { n },
  metadata: { timestamp: new Date().toISOString() },
});

/** Resolves once `count` reaches a number; the test's own timeout bounds the wait. */
class Counter {
  private count = 0;
  private readonly waiters: Array<{ at: number; resolve: () => void }> = [];

  add(): void {
    this.count += 1;
    for (const waiter of this.waiters.filter((w) => w.at <= this.count)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  reaches(at: number): Promise<void> {
    if (this.count >= at) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ at, resolve }));
  }
}

/** One member: what it was handed, in order, and what it acked. */
interface Member {
  subscription: WorkGroupSubscription;
  delivered: StoredEvent[];
  acked: Set<string>;
  /** Ends when the membership ends; rejects if it failed. */
  done: Promise<void>;
}

function member(subscription: WorkGroupSubscription, handle: (work: WorkItem) => Promise<boolean>): Member {
  const delivered: StoredEvent[] = [];
  const acked = new Set<string>();
  const done = (async () => {
    for await (const work of subscription) {
      delivered.push(work.event);
      if (await handle(work)) acked.add(work.event.id);
    }
  })();
  return { subscription, delivered, acked, done };
}

/** Each id with how many times it was acked, over all members. */
function ackCounts(...members: Member[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { acked } of members) for (const id of acked) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** The behaviour of `joinWorkGroup`, for stores that have it. Groups and event types are unique per test. */
export function workGroupContract(subject: EventStoreUnderTest): void {
  describe(`Work group: ${subject.name}`, () => {
    let store: EventStore;
    let run: string;
    const join: EventStore['joinWorkGroup'] = (group, options) => {
      if (!store.joinWorkGroup) throw new Error(`${subject.name} has no work groups`);
      return store.joinWorkGroup(group, options);
    };

    beforeAll(async () => {
      store = await subject.open();
    });
    afterAll(async () => {
      await store?.close();
    });
    beforeEach(() => {
      run = randomUUID().slice(0, 8);
    });

    it('hands each event to one member once, one stream to one member, in order', async () => {
      const type = `Work${run}`;
      const streams = Array.from({ length: 20 }, (_, i) => `work-${run}-${i}`);
      const options = { filter: { eventTypes: [type] }, after: await store.headPosition(), bufferSize: 20 };
      const acks = new Counter();
      const ackAll = async (work: WorkItem) => {
        await work.ack();
        acks.add();
        return true;
      };
      const a = member(join(`group-${run}`, options), ackAll);
      const b = member(join(`group-${run}`, options), ackAll);
      await Promise.all([a.subscription.joined, b.subscription.joined]);

      // Ten rounds over the twenty streams, with an event of a longer type (same prefix) in each: not work.
      for (let n = 0; n < 10; n += 1) {
        await Promise.all(
          streams.map((stream) =>
            store.appendToStream(stream, [newEvent(type, n), newEvent(`${type}Other`, n)], {
              expectedRevision: 'any',
            }),
          ),
        );
      }
      await acks.reaches(200);
      await Promise.all([a.subscription.close(), b.subscription.close()]);
      await Promise.all([a.done, b.done]);

      const counts = ackCounts(a, b);
      expect(counts.size).toBe(200);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
      expect([...a.delivered, ...b.delivered].every((event) => event.type === type)).toBe(true);
      const streamsOf = (m: Member) => new Set(m.delivered.map((event) => event.streamId));
      expect(streamsOf(a).size).toBeGreaterThan(0);
      expect(streamsOf(b).size).toBeGreaterThan(0);
      expect([...streamsOf(a)].filter((stream) => streamsOf(b).has(stream))).toEqual([]);
      for (const m of [a, b]) {
        for (const stream of streamsOf(m)) {
          const numbers = m.delivered
            .filter((e) => e.streamId === stream)
            .map((e) => (e.data as { n: number }).n);
          expect(numbers).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        }
      }
    }, 60_000);

    it('hands what a member held unacknowledged to another when it leaves', async () => {
      const type = `Work${run}`;
      const group = `group-${run}`;
      const bufferSize = 5;
      const options = { filter: { eventTypes: [type] }, after: await store.headPosition(), bufferSize };
      for (let s = 0; s < 5; s += 1) {
        const events = Array.from({ length: 10 }, (_, n) => newEvent(type, n));
        await store.appendToStream(`work-${run}-${s}`, events, { expectedRevision: 'no_stream' });
      }

      // A acks ten events, then holds what it gets: the server lets it hold `bufferSize`.
      const heldByA = new Counter();
      const held: string[] = [];
      let ackedByA = 0;
      const a = member(join(group, options), async (work) => {
        if (ackedByA < 10) {
          ackedByA += 1;
          await work.ack();
          return true;
        }
        held.push(work.event.id);
        heldByA.add();
        return false;
      });
      await heldByA.reaches(bufferSize);

      const acksByB = new Counter();
      const b = member(join(group, options), async (work) => {
        await work.ack();
        acksByB.add();
        return true;
      });
      await b.subscription.joined;
      await a.subscription.close();
      await a.done;
      await acksByB.reaches(40);
      await b.subscription.close();
      await b.done;

      expect(a.acked.size).toBe(10);
      expect(held).toHaveLength(bufferSize);
      expect(held.every((id) => b.acked.has(id))).toBe(true);
      const counts = ackCounts(a, b);
      expect(counts.size).toBe(50);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
    }, 60_000);

    it('hands an event nacked for retry out again, with its retry count', async () => {
      const type = `Work${run}`;
      const options = { filter: { eventTypes: [type] }, after: await store.headPosition() };
      const appended = newEvent(type, 0);
      await store.appendToStream(`work-${run}`, [appended], { expectedRevision: 'no_stream' });

      const retries: number[] = [];
      const a = member(join(`group-${run}`, options), async (work) => {
        retries.push(work.retryCount);
        if (work.retryCount === 0) {
          await work.nack('not yet', 'retry');
          return false;
        }
        await work.ack();
        await a.subscription.close();
        return true;
      });
      await a.done;
      expect(retries).toEqual([0, 1]);
      expect([...a.acked]).toEqual([appended.id]);
    }, 60_000);
  });
}
