import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckpointStore } from '../checkpoint-store.ts';
import type { Position, StoredEvent } from '../event-store/event-store.ts';
import type { SqlEventStore } from '../event-store/sql-event-store.ts';
import { createLogger } from '../logger.ts';
import { openInMemoryEventStore } from '../testing/embedded-store.ts';
import { ConsumerRunner } from './consumer-runner.ts';
import type { Batch, Sink } from './sink.ts';

const logger = createLogger('silent', false);

const waitUntil = async (check: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition not met in time');
};

class MemoryCheckpoints implements CheckpointStore {
  readonly saved = new Map<string, Position>();
  failNextSave = false;
  async load(name: string) {
    return this.saved.get(name);
  }
  async save(name: string, position: Position) {
    if (this.failNextSave) {
      this.failNextSave = false;
      throw new Error('checkpoint store down');
    }
    this.saved.set(name, position);
  }
}

describe('ConsumerRunner', () => {
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

  /** A prefix of its own per test, so each test's consumer sees only its own events. */
  const newTopic = () => `t${topic++}-`;
  const append = (prefix: string, count: number, stream = 's') =>
    store.appendToStream(
      `${prefix}${stream}`,
      Array.from({ length: count }, (_, i) => ({
        id: randomUUID(),
        type: `E${i}`,
        data: {},
        metadata: { timestamp: new Date().toISOString() },
      })),
      { expectedRevision: 'any' },
    );
  const allOf = async (prefix: string) =>
    (await store.readAll({ filter: { streamPrefixes: [prefix] }, maxCount: 10_000 })).map((e) => e.id);
  const run = async (prefix: string, sink: Sink, maxBatch = 5) => {
    const runner = new ConsumerRunner({
      name: prefix,
      store,
      filter: { streamPrefixes: [prefix] },
      sink,
      logger,
      maxBatch,
      retryDelayMs: 5,
      maxRetryDelayMs: 40,
    });
    runners.push(runner);
    await runner.start();
    return runner;
  };
  const collecting = () => {
    const batches: StoredEvent[][] = [];
    const sink: Sink = {
      delivery: 'in-memory',
      from: 'start',
      handle: (b) => void batches.push([...b.events]),
    };
    return { batches, sink, ids: () => batches.flat().map((e) => e.id) };
  };

  it('delivers every event once, in order, in batches of what has arrived (never more than the max)', async () => {
    const prefix = newTopic();
    for (const stream of ['a', 'b', 'c']) await append(prefix, 8, stream);
    // A read model's kind of sink: it lets what is on its way join a batch (the lanes' and the
    // outcome feed's kinds take each event at once).
    const { batches, ids } = collecting();
    const sink: Sink = {
      delivery: 'atomic',
      atomicity: 'in-process',
      loadCheckpoint: async () => undefined,
      apply: async (b) => void batches.push([...b.events]),
    };
    const runner = await run(prefix, sink, 5);
    for (const stream of ['d', 'e']) await append(prefix, 3, stream);
    await runner.caughtUp();
    expect(ids()).toEqual(await allOf(prefix));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(5);
    // The history was already there: it went in full batches, not one event at a time.
    expect(batches[0]).toHaveLength(5);
    for (const batch of batches)
      expect(batch.map((e) => e.position)).toEqual(
        [...batch.map((e) => e.position)].sort((x, y) => (x < y ? -1 : 1)),
      );
    expect(await runner.status()).toMatchObject({
      state: 'running',
      lag: 0,
      failures: 0,
      delivery: 'atomic',
    });
  });

  it('redelivers a failed batch (the same events, in order) until it succeeds, and never skips one', async () => {
    const prefix = newTopic();
    await append(prefix, 12);
    const attempts: string[][] = [];
    const applied: string[] = [];
    let checkpoint: Position | undefined;
    let failuresSeen = 0;
    let runner!: ConsumerRunner;
    const sink: Sink = {
      delivery: 'atomic',
      atomicity: 'in-process',
      loadCheckpoint: async () => checkpoint,
      apply: async (batch: Batch) => {
        attempts.push(batch.events.map((e) => e.id));
        if (attempts.length <= 3) throw new Error(`attempt ${attempts.length} failed`);
        if (attempts.length === 4) failuresSeen = (await runner.status()).failures;
        applied.push(...batch.events.map((e) => e.id));
        checkpoint = batch.checkpoint;
      },
    };
    runner = await run(prefix, sink, 5);
    await runner.caughtUp();
    expect(attempts[1]).toEqual(attempts[0]);
    expect(attempts[2]).toEqual(attempts[0]);
    expect(attempts[3]).toEqual(attempts[0]);
    expect(failuresSeen).toBe(3);
    expect(applied).toEqual(await allOf(prefix));
    expect(await runner.status()).toMatchObject({ failures: 0, lastError: null, position: checkpoint });
  });

  it('a reactor saves its checkpoint after handling; a failed save redelivers the batch', async () => {
    const prefix = newTopic();
    await append(prefix, 4);
    const checkpoints = new MemoryCheckpoints();
    checkpoints.failNextSave = true;
    const handled: string[] = [];
    const sink: Sink = {
      delivery: 'at-least-once',
      checkpoints,
      checkpointName: prefix,
      handle: async (batch) => void handled.push(...batch.events.map((e) => e.id)),
    };
    const runner = await run(prefix, sink, 10);
    await runner.caughtUp();
    const all = await allOf(prefix);
    // Handled, then the save failed: handled again (at least once), then saved.
    expect(handled).toEqual([...all, ...all]);
    const last = (await store.readAll({ filter: { streamPrefixes: [prefix] } })).at(-1)!.position;
    expect(checkpoints.saved.get(prefix)).toBe(last);

    await runner.stop();
    await append(prefix, 2);
    handled.length = 0;
    const restarted = await run(prefix, sink, 10);
    await restarted.caughtUp();
    expect(handled).toEqual((await allOf(prefix)).slice(4));
  });

  it('pauses (lag counted, nothing delivered) and resumes', async () => {
    const prefix = newTopic();
    await append(prefix, 1);
    const { sink, ids } = collecting();
    const runner = await run(prefix, sink);
    await runner.caughtUp();
    runner.pause();
    await append(prefix, 4);
    await waitUntil(async () => (await runner.status()).lag === 4);
    expect(ids()).toHaveLength(1);
    expect((await runner.status()).state).toBe('paused');
    runner.resume();
    await runner.caughtUp();
    expect(ids()).toEqual(await allOf(prefix));
  });

  it("an in-memory sink from 'end' sees only what is appended after it started", async () => {
    const prefix = newTopic();
    await append(prefix, 3);
    const { ids } = collecting();
    const fromEnd = collecting();
    const runner = await run(prefix, { ...fromEnd.sink, from: 'end' });
    await append(prefix, 2);
    await runner.caughtUp();
    expect(fromEnd.ids()).toEqual((await allOf(prefix)).slice(3));
    expect(ids()).toEqual([]);
  });

  it('continues after the position an exclusive task moves it to, dropping what it had read up to there', async () => {
    const prefix = newTopic();
    await append(prefix, 1);
    const { sink, ids } = collecting();
    const runner = await run(prefix, sink);
    await runner.caughtUp();
    runner.pause();
    await append(prefix, 6);
    const events = await store.readAll({ filter: { streamPrefixes: [prefix] } });
    await runner.exclusive(async () => events[4]!.position);
    runner.resume();
    await runner.caughtUp();
    expect(ids()).toEqual([events[0]!.id, events[5]!.id, events[6]!.id]);
  });

  it('refuses a batch size that is not a positive integer', () => {
    const { sink } = collecting();
    expect(() => new ConsumerRunner({ name: 'x', store, sink, logger, maxBatch: 0 })).toThrow(RangeError);
  });
});
