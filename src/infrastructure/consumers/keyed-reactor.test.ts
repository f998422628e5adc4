import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointStore } from '../checkpoint-store.ts';
import type { Position, StoredEvent } from '../event-store/event-store.ts';
import type { SqlEventStore } from '../event-store/sql-event-store.ts';
import { createLogger } from '../logger.ts';
import { openInMemoryEventStore } from '../testing/embedded-store.ts';
import { CheckpointTracker } from './checkpoint-tracker.ts';
import { ConsumerRunner } from './consumer-runner.ts';
import { waitUntil } from './crash-testing.ts';
import type { KeyedReactorSink } from './sink.ts';

const logger = createLogger('silent', false);

class MemoryCheckpoints implements CheckpointStore {
  readonly saved: Position[] = [];
  async load() {
    return this.saved.at(-1);
  }
  async save(_name: string, position: Position) {
    this.saved.push(position);
  }
}

/** A promise with its resolve, to hold a handler until the test lets it go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('ConsumerRunner: a keyed reactor', () => {
  let store: SqlEventStore;
  let topic = 0;
  const runners: ConsumerRunner[] = [];

  beforeAll(async () => {
    store = await openInMemoryEventStore();
  });
  afterAll(async () => {
    for (const runner of runners) await runner.stop();
    await store?.close();
  });

  const newTopic = () => `k${topic++}-`;
  /** Appends one event per key, in this order; each event's type names its key and rank. */
  const append = async (prefix: string, keys: string[]) => {
    for (const key of keys)
      await store.appendToStream(
        `${prefix}${key}`,
        [{ id: randomUUID(), type: 'E', data: { key }, metadata: { timestamp: new Date().toISOString() } }],
        { expectedRevision: 'any' },
      );
    return store.readAll({ filter: { streamPrefixes: [prefix] }, maxCount: 10_000 });
  };
  const keyOf = (event: StoredEvent) => (event.data as { key: string }).key;

  const run = async (
    prefix: string,
    handle: (event: StoredEvent) => Promise<void>,
    options: Partial<Pick<KeyedReactorSink, 'concurrency' | 'maxInFlight' | 'checkpointEveryMs'>> & {
      checkpoints?: MemoryCheckpoints;
    } = {},
  ) => {
    const checkpoints = options.checkpoints ?? new MemoryCheckpoints();
    const runner = new ConsumerRunner({
      name: prefix,
      store,
      filter: { streamPrefixes: [prefix] },
      logger,
      retryDelayMs: 5,
      maxRetryDelayMs: 20,
      sink: {
        delivery: 'keyed-at-least-once',
        checkpoints,
        checkpointName: prefix,
        keyOf,
        handle,
        concurrency: options.concurrency ?? 8,
        maxInFlight: options.maxInFlight ?? 100,
        checkpointEveryMs: options.checkpointEveryMs ?? 0,
      },
    });
    runners.push(runner);
    await runner.start();
    return { runner, checkpoints };
  };

  it("handles a key's events in order, other keys while one waits, and no waiting event holds a slot", async () => {
    const prefix = newTopic();
    const events = await append(prefix, ['a', 'b', 'a', 'c', 'b', 'a', 'c', 'b', 'c']);
    const firstOfA = gate();
    const handled: StoredEvent[] = [];
    let running = 0;
    let mostRunning = 0;
    const { runner } = await run(
      prefix,
      async (event) => {
        running++;
        mostRunning = Math.max(mostRunning, running);
        if (event.id === events[0]!.id) await firstOfA.opened;
        else await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
        handled.push(event);
        running--;
      },
      // Two slots: if a's waiting events held slots, b and c could not go on while a's first waits.
      { concurrency: 2 },
    );
    await waitUntil(() => handled.length === 6, 'b and c handled while a waits');
    expect(handled.map(keyOf).sort()).toEqual(['b', 'b', 'b', 'c', 'c', 'c']);
    firstOfA.open();
    await runner.caughtUp();
    expect(mostRunning).toBe(2);
    for (const key of ['a', 'b', 'c'])
      expect(handled.filter((e) => keyOf(e) === key).map((e) => e.id)).toEqual(
        events.filter((e) => keyOf(e) === key).map((e) => e.id),
      );
  });

  it('takes no more than maxInFlight events, and takes more as they finish', async () => {
    const prefix = newTopic();
    const events = await append(prefix, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const release = gate();
    const started: string[] = [];
    const { runner } = await run(
      prefix,
      async (event) => {
        started.push(event.id);
        await release.opened;
      },
      { concurrency: 10, maxInFlight: 3 },
    );
    await waitUntil(() => started.length === 3, 'three in flight');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toEqual(events.slice(0, 3).map((e) => e.id));
    expect((await runner.status()).lag).toBe(7);
    release.open();
    await runner.caughtUp();
    expect(started).toEqual(events.map((e) => e.id));
  });

  it('saves the safe position: just below the oldest event still in flight', async () => {
    const prefix = newTopic();
    const events = await append(prefix, ['a', 'b', 'c', 'd', 'e']);
    const slow = gate();
    const { runner, checkpoints } = await run(prefix, async (event) => {
      if (event.id === events[1]!.id) await slow.opened;
    });
    await waitUntil(() => checkpoints.saved.at(-1) === events[0]!.position, 'the first event saved');
    await new Promise((resolve) => setTimeout(resolve, 50));
    // c, d and e are done, but b is not: the checkpoint must not pass it.
    expect(checkpoints.saved.every((position) => position < events[1]!.position)).toBe(true);
    expect(runner.currentPosition).toBe(events[1]!.position - 1n);
    slow.open();
    await runner.caughtUp();
    await waitUntil(() => checkpoints.saved.at(-1) === events[4]!.position, 'the last event saved');
  });

  it('retries a failing event on its own: its key waits behind it, other keys go on', async () => {
    const prefix = newTopic();
    const events = await append(prefix, ['a', 'a', 'b', 'b']);
    const attempts = new Map<string, number>();
    const handled: string[] = [];
    let failuresSeen = 0;
    let runner!: ConsumerRunner;
    ({ runner } = await run(prefix, async (event) => {
      const attempt = (attempts.get(event.id) ?? 0) + 1;
      attempts.set(event.id, attempt);
      if (event.id === events[0]!.id && attempt <= 3) {
        if (attempt === 3) failuresSeen = (await runner.status()).failures;
        throw new Error(`attempt ${attempt} failed`);
      }
      handled.push(event.id);
    }));
    await runner.caughtUp();
    const ids = events.map((e) => e.id);
    expect(attempts.get(ids[0]!)).toBe(4);
    expect(failuresSeen).toBe(2);
    // b's events did not wait for a's retries; a's second waited for its first.
    expect(handled.indexOf(ids[3]!)).toBeLessThan(handled.indexOf(ids[0]!));
    expect(handled.indexOf(ids[0]!)).toBeLessThan(handled.indexOf(ids[1]!));
    expect(handled.sort()).toEqual([...ids].sort());
    expect(await runner.status()).toMatchObject({
      failures: 0,
      lastError: null,
      position: events[3]!.position,
    });
  });

  it('stopped with events in flight: the one being handled finishes, the waiting one comes again', async () => {
    const prefix = newTopic();
    const events = await append(prefix, ['a', 'b', 'b', 'c']);
    const [a, b1, b2, c] = events.map((e) => e.id);
    const handled: string[] = [];
    const inB = gate();
    const letB = gate();
    let generation = 1;
    const handle = async (event: StoredEvent) => {
      if (generation === 1 && event.id === b1) {
        inB.open();
        await letB.opened;
      }
      handled.push(`${event.id}@${generation}`);
    };
    const checkpoints = new MemoryCheckpoints();
    const first = await run(prefix, handle, { checkpoints, checkpointEveryMs: 60_000 });
    await inB.opened;
    await waitUntil(() => handled.length === 2, 'a and c handled');
    let stopped = false;
    const stopping = first.runner.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    letB.open();
    await stopping;
    expect(handled.sort()).toEqual([`${a}@1`, `${b1}@1`, `${c}@1`].sort());
    // b's second event never started: the checkpoint stays just below it.
    expect(checkpoints.saved).toEqual([events[2]!.position - 1n]);

    generation = 2;
    handled.length = 0;
    const second = await run(prefix, handle, { checkpoints });
    await second.runner.caughtUp();
    // At least once: c, done after the checkpoint, comes again; nothing before it does.
    expect(handled).toEqual(expect.arrayContaining([`${b2}@2`, `${c}@2`]));
    expect(handled).toHaveLength(2);
  });
});

describe('CheckpointTracker', () => {
  it('is safe just below the oldest unfinished event, whatever order they finish in', () => {
    const tracker = new CheckpointTracker(10n);
    expect(tracker.safePosition).toBe(10n);
    for (const position of [11n, 13n, 14n, 20n]) tracker.started(position);
    expect(tracker.safePosition).toBe(10n);
    tracker.finished(13n);
    tracker.finished(20n);
    expect(tracker.safePosition).toBe(10n);
    expect(tracker.size).toBe(2);
    tracker.finished(11n);
    expect(tracker.safePosition).toBe(13n);
    tracker.finished(14n);
    expect(tracker.safePosition).toBe(20n);
    expect(tracker.size).toBe(0);
    expect(() => tracker.started(20n)).toThrow(RangeError);
  });
});
