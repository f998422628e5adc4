import type { CheckpointStore } from '../checkpoint-store.ts';
import { type Database, openDatabase } from '../database.ts';
import type { EventStore } from '../event-store/event-store.ts';
import { type EventStoreTables, SqlEventStore } from '../event-store/sql-event-store.ts';
import { dropSchema, reportSkipped, testServices, uniqueSchema } from '../testing/services.ts';

/** Test helpers for the consumers' crash-and-restart tests. */

export interface SqlBackend {
  name: string;
  open(): Promise<{ database: Database<EventStoreTables>; store: SqlEventStore; close(): Promise<void> }>;
}

/** PGlite always; PostgreSQL (a schema of its own, dropped after) when TEST_DATABASE_URL is set. */
export function sqlBackends(): SqlBackend[] {
  const backends: SqlBackend[] = [
    {
      name: 'embedded (PGlite)',
      open: async () => {
        const database = await openDatabase<EventStoreTables>({ kind: 'pglite' });
        const store = new SqlEventStore(database, { name: 'pglite', pollIntervalMs: 20 });
        return { database, store, close: () => store.close().then(() => database.close()) };
      },
    },
  ];
  const url = testServices.postgres.url;
  if (url) {
    backends.push({
      name: 'PostgreSQL',
      open: async () => {
        const schema = uniqueSchema('consumers');
        const database = await openDatabase<EventStoreTables>({ kind: 'postgres', url, schema });
        const store = new SqlEventStore(database, { name: 'postgres', pollIntervalMs: 20 });
        return {
          database,
          store,
          close: async () => {
            await store.close();
            await database.close();
            await dropSchema(url, schema);
          },
        };
      },
    });
  } else reportSkipped('PostgreSQL', testServices.postgres.variable);
  return backends;
}

/** Appends `write(n)` for n = 0, 1, 2… a few ms apart until stopped; resolves to how many it wrote. */
export function keepWriting(write: (n: number) => Promise<void>, gapMs = 5) {
  let writing = true;
  const done = (async () => {
    let n = 0;
    while (writing) {
      await write(n++);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    return n;
  })();
  return {
    stop: () => {
      writing = false;
      return done;
    },
  };
}

export async function waitUntil(check: () => boolean | Promise<boolean>, what = 'condition'): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${what} not met in time`);
}

/**
 * The worst moments to die, each tried while events arrive: the sink fails after part of its work
 * (the runner retries), the consumer is stopped after part of the work but before the checkpoint, and
 * stopped right after a checkpoint. Stopped consumers are thrown away and new ones started.
 */
export const CRASHES = [
  'fail-mid-batch',
  'stop-mid-batch',
  'stop-after-checkpoint',
  'stop-mid-batch',
  'stop-after-checkpoint',
] as const;
export type Crash = (typeof CRASHES)[number];

/** The crash a test's sink or checkpoints fire next, those fired so far, and the stop the last one began. */
export class CrashPlan {
  planned: Crash | 'none' = 'none';
  readonly fired: Crash[] = [];
  stopped: Promise<void> = Promise.resolve();

  /** Records the planned crash as fired, and begins stopping the consumer when one is given. */
  fire(crash: Crash, stop?: () => Promise<void>): void {
    this.planned = 'none';
    this.fired.push(crash);
    if (stop) this.stopped = stop();
  }

  /**
   * One batch of a sink that may die in it: all of it when no crash is planned; else its first part, then
   * the crash: the sink fails, or the consumer is stopped mid-batch, or stopped and the rest written.
   */
  async batch(
    parts: { all(): Promise<void>; firstPart(): Promise<void>; rest(): Promise<void> },
    stop: () => Promise<void>,
  ): Promise<void> {
    const crash = this.planned;
    if (crash === 'none') return parts.all();
    this.planned = 'none';
    await parts.firstPart();
    if (crash === 'fail-mid-batch') {
      this.fire(crash);
      throw new Error('the sink failed mid-batch');
    }
    this.fire(crash, stop);
    if (crash === 'stop-mid-batch') throw new Error('killed mid-batch');
    await parts.rest();
  }

  /**
   * Starts a consumer and fires every crash while `write(n)` keeps appending; then lets the consumer
   * running last catch up, stops it, and resolves to how many writes were made.
   */
  async runWhileWriting(run: {
    start(): Promise<void>;
    running(): { caughtUp(): Promise<void>; stop(): Promise<void> };
    write(n: number): Promise<void>;
    progress(): number;
    progressName: string;
  }): Promise<number> {
    const writer = keepWriting(run.write);
    await run.start();
    await this.fireAll(run.start, run.progress, run.progressName);
    const written = await writer.stop();
    await run.running().caughtUp();
    await run.running().stop();
    return written;
  }

  /**
   * Plans each of CRASHES in turn and waits for it to fire; after a stop, starts a new consumer (nothing
   * kept in memory from the one that died). Then waits for `progress` to move twice, so later batches
   * commit before the next crash and a batch skipped in memory would stay lost.
   */
  async fireAll(restart: () => Promise<void>, progress: () => number, progressName: string): Promise<void> {
    for (const crash of CRASHES) {
      this.planned = crash;
      await waitUntil(() => this.fired.at(-1) === crash && this.planned === 'none', crash);
      if (crash !== 'fail-mid-batch') {
        await this.stopped;
        await restart();
      }
      const after = progress();
      await waitUntil(() => progress() >= after + 2, progressName);
    }
  }
}

/** Checkpoints that count their saves and stop the consumer right after one when that crash is planned. */
export function crashingCheckpoints(inner: CheckpointStore, plan: CrashPlan, stop: () => Promise<void>) {
  let saves = 0;
  const checkpoints: CheckpointStore = {
    load: (name) => inner.load(name),
    async save(name, position) {
      await inner.save(name, position);
      saves++;
      if (plan.planned === 'stop-after-checkpoint') plan.fire('stop-after-checkpoint', stop);
    },
  };
  return { checkpoints, saves: () => saves };
}

export class Killed extends Error {}

/** The store and checkpoints as one process sees them: `kill()` makes every later call fail. */
export function mortalProcess(store: EventStore, checkpoints: CheckpointStore) {
  let dead = false;
  const alive = () => {
    if (dead) throw new Killed('this process is dead');
  };
  const processStore: EventStore = {
    name: store.name,
    appendToStream: async (...args) => {
      alive();
      const appended = await store.appendToStream(...args);
      alive();
      return appended;
    },
    readStream: async (...args) => {
      alive();
      return store.readStream(...args);
    },
    readAll: async (...args) => {
      alive();
      return store.readAll(...args);
    },
    subscribeToAll: (options) => store.subscribeToAll(options),
    headPosition: async () => {
      alive();
      return store.headPosition();
    },
    close: async () => {},
  };
  const processCheckpoints: CheckpointStore = {
    load: (name) => checkpoints.load(name),
    save: async (name, position) => {
      alive();
      await checkpoints.save(name, position);
    },
  };
  return {
    store: processStore,
    checkpoints: processCheckpoints,
    kill: () => {
      dead = true;
    },
  };
}
