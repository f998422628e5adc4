import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../database.ts';
import { dropSchema, reportSkipped, testServices, uniqueSchema } from '../testing/services.ts';
import { AppendWithdrawnError, type NewEvent, type StoredEvent } from './event-store.ts';
import { type EventStoreTables, SqlEventStore } from './sql-event-store.ts';

const event = (type: string, data: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { timestamp: new Date().toISOString() },
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const postgresUrl = testServices.postgres.url;

describe.runIf(postgresUrl)('global order on a PostgreSQL server (several processes writing)', () => {
  const schema = uniqueSchema('order');
  const url = postgresUrl!;
  const databases: Database<EventStoreTables>[] = [];
  const stores: SqlEventStore[] = [];
  const clients: pg.Client[] = [];

  /** A store with a pool of its own, as another game process would have. */
  async function process(): Promise<SqlEventStore> {
    const database = await openDatabase<EventStoreTables>({ kind: 'postgres', url, schema, poolSize: 4 });
    databases.push(database);
    const store = new SqlEventStore(database, { name: 'postgres', pollIntervalMs: 10 });
    stores.push(store);
    return store;
  }

  async function client(database = url, searchPath = true): Promise<pg.Client> {
    const c = new pg.Client({
      connectionString: database,
      ...(searchPath ? { options: `-c search_path=${schema}` } : {}),
    });
    await c.connect();
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    await process();
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => {});
    for (const store of stores) await store.close();
    for (const database of databases) await database.close();
    await dropSchema(url, schema);
  });

  it('delivers every committed event once, in dense position order, never one rolled back, while a writer holds its transaction open and another session holds a transaction id in another database', async () => {
    const [reader, ...writers] = [stores[0]!, await process(), await process(), await process()];
    const run = randomUUID().slice(0, 8);
    const received: StoredEvent[] = [];
    const subscription = reader.subscribeToAll({
      after: await reader.headPosition(),
      filter: { streamPrefixes: [`o${run}-`] },
    });
    const following = (async () => {
      for await (const e of subscription) received.push(e);
    })();

    // An analyst's transaction in another database, holding a transaction id the whole time.
    const analyst = await client(url.replace(/\/[^/]*$/, '/postgres'), false);
    await analyst.query('begin');
    await analyst.query('select txid_current()');

    const committed = new Set<string>();
    const rolledBack = new Set<string>();
    let stop = false;
    const writing = writers.flatMap((store, w) =>
      [0, 1, 2].map(async (k) => {
        let n = 0;
        while (!stop) {
          const batch = [event('Written', { w, k, n: n++ }), event('Written', { w, k, n: n++ })];
          await store.appendToStream(`o${run}-w${w}-${k}`, batch, { expectedRevision: 'any' });
          for (const e of batch) committed.add(e.id);
        }
      }),
    );

    // A writer whose transaction stays open after its append (others must wait for the position
    // lock, never slip in front of it), and one whose transaction is rolled back.
    const slow = await client();
    const slowEvents = [event('Slow'), event('Slow')];
    await slow.query('begin');
    await slow.query('select * from langomni_append($1, $2, $3::jsonb)', [
      `o${run}-slow`,
      'any',
      JSON.stringify(slowEvents),
    ]);
    const rollback = await client();
    const rolledEvents = [event('RolledBack')];
    await rollback.query('begin');

    await sleep(300);
    await slow.query('commit');
    for (const e of slowEvents) committed.add(e.id);
    await rollback.query('select * from langomni_append($1, $2, $3::jsonb)', [
      `o${run}-rolled`,
      'any',
      JSON.stringify(rolledEvents),
    ]);
    await sleep(100);
    await rollback.query('rollback');
    for (const e of rolledEvents) rolledBack.add(e.id);

    // The analyst's transaction is still open: the reader must keep up regardless.
    await sleep(400);
    const seenWhileAnalystOpen = received.length;
    stop = true;
    await Promise.all(writing);
    await analyst.query('commit');

    const deadline = Date.now() + 10_000;
    while (received.length < committed.size && Date.now() < deadline) await sleep(20);
    await subscription.close();
    await following;

    expect(seenWhileAnalystOpen).toBeGreaterThan(committed.size / 2);
    const ids = received.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(committed);
    for (const id of rolledBack) expect(ids).not.toContain(id);
    for (let i = 1; i < received.length; i++)
      expect(received[i]!.position).toBeGreaterThan(received[i - 1]!.position);

    // Nothing else wrote in this schema meanwhile, so the positions are dense: not one was skipped.
    const all = await reader.readAll({ after: received[0]!.position - 1n, maxCount: 100_000 });
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => received[0]!.position + BigInt(i)));
  });

  it('withdraws an append that has not been sent, and writes nothing for it', async () => {
    const store = stores[0]!;
    const controller = new AbortController();
    const stream = `withdraw-${randomUUID()}`;
    const appending = store.appendToStream(stream, [event('Never')], {
      expectedRevision: 'any',
      signal: controller.signal,
    });
    controller.abort();
    await expect(appending).rejects.toBeInstanceOf(AppendWithdrawnError);
    expect(await store.readStream(stream)).toEqual([]);
  });

  it('answers each append of a group commit on its own: a conflict or bad data fails only that one', async () => {
    const store = stores[0]!;
    const stream = (name: string) => `group-${name}-${randomUUID()}`;
    const s = stream('a');
    await store.appendToStream(s, [event('First')], { expectedRevision: 'no_stream' });
    const results = await Promise.allSettled([
      store.appendToStream(stream('b'), [event('Fine')], { expectedRevision: 'no_stream' }),
      store.appendToStream(s, [event('Stale')], { expectedRevision: 5n }),
      store.appendToStream(stream('c'), [event('Bad', { text: 'nul \u0000 byte' })], {
        expectedRevision: 'any',
      }),
      store.appendToStream(s, [event('Next')], { expectedRevision: 0n }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      name: 'WrongExpectedRevisionError',
    });
    expect((await store.readStream(s)).map((e) => e.type)).toEqual(['First', 'Next']);
  });
});

if (!postgresUrl) reportSkipped('PostgreSQL', testServices.postgres.variable);
