/**
 * Event store benchmark: our SqlEventStore against Emmett's PostgreSQL event store, on the same
 * PostgreSQL server, in the same process, each in a fresh schema that is dropped at the end.
 *
 *   npm run bench -- eventstore [--events N] [--batch-events N] [--rounds N] [--writers N] [--time-limit S]
 *
 * Phases, with warm-up excluded from timing:
 *   (a) single-event appends: `writers` concurrent writers, each appending 1 event per call to its own
 *       STREAMS_PER_WRITER streams in turn, always with the exact expected revision it knows;
 *   (b) batch appends: the same with BATCH_SIZE events per call;
 *   (c) ours only: readAll from the start in pages of READ_PAGE_SIZE over everything appended.
 *
 * (a) and (b) give both stores the same number of events, split into `rounds` timed rounds that
 * alternate which store goes first (ABBA...), so that load from other processes on the machine and
 * drift (table growth, checkpoints) fall on both alike. Rates are total events / total timed seconds.
 *
 * Database: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Event } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import { type Database, openDatabase, quoteIdentifier } from '../src/infrastructure/database.ts';
import {
  type NewEvent,
  NO_STREAM_REVISION,
  type Revision,
} from '../src/infrastructure/event-store/event-store.ts';
import { type EventStoreTables, SqlEventStore } from '../src/infrastructure/event-store/sql-event-store.ts';
import { describeMachine, type Machine } from './machine.ts';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const SINGLE_RATIO_TARGET = 1.5;
const BATCH_SIZE = 100;
const READ_PAGE_SIZE = 1000;
const STREAMS_PER_WRITER = 20;
/** node-postgres' default `max`, which Emmett's pool (dumbo) keeps. */
const EMMETT_POOL_SIZE = 10;
/** openDatabase's default pool size, i.e. what the application runs with. */
const LANGOMNI_POOL_SIZE = 20;

const STORE_NAMES = ['langomni', 'emmett'] as const;
type StoreName = (typeof STORE_NAMES)[number];

export interface EventStoreBenchConfig {
  databaseUrl: string;
  writers: number;
  streamsPerWriter: number;
  singleEvents: number;
  batchEvents: number;
  batchSize: number;
  readPageSize: number;
  rounds: number;
  poolSize: { langomni: number; emmett: number };
  order: string;
  timeLimitSeconds: number;
}

export interface EventStoreBenchResult {
  benchmark: 'eventstore';
  machine: Machine;
  config: EventStoreBenchConfig;
  langomni: { single_appends_per_s: number; batch_events_per_s: number; read_events_per_s: number };
  emmett: { single_appends_per_s: number; batch_events_per_s: number };
  ratio: { single: number; batch: number };
  target: { single_ratio_at_least: number; met: boolean };
  /** Per store and phase: totals, per-round rates (to see the noise) and append latencies. */
  details: Record<string, unknown>;
}

interface RoundResult {
  events: number;
  appends: number;
  seconds: number;
  latencies: number[];
}

interface PhaseDetails {
  events: number;
  appends: number;
  seconds: number;
  events_per_s_by_round: number[];
  latency_ms: { p50: number; p95: number; p99: number; max: number };
}

interface ReadDetails {
  events: number;
  pages: number;
  seconds: number;
}

/** One store under test: appends `count` events to a stream it owns, with the exact expected version. */
interface Appender {
  append(streamId: string, count: number): Promise<void>;
}

interface PhasePlan {
  label: string;
  streamPrefix: string;
  eventsPerAppend: number;
}

export async function run(args: readonly string[]): Promise<EventStoreBenchResult> {
  const options = parseOptions(args);
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const deadline = new Deadline(options.timeLimitSeconds * 1000);
  const config: EventStoreBenchConfig = {
    databaseUrl: redact(databaseUrl),
    writers: options.writers,
    streamsPerWriter: STREAMS_PER_WRITER,
    singleEvents: options.events,
    batchEvents: options.batchEvents,
    batchSize: BATCH_SIZE,
    readPageSize: READ_PAGE_SIZE,
    rounds: options.rounds,
    poolSize: { langomni: LANGOMNI_POOL_SIZE, emmett: EMMETT_POOL_SIZE },
    order:
      'warm-up both; single then batch, each in `rounds` timed rounds alternating which store goes first ' +
      '(ABBA); CHECKPOINT before every timed round; then langomni readAll',
    timeLimitSeconds: options.timeLimitSeconds,
  };
  const machine = await describeMachine({ postgresUrl: databaseUrl });
  const loadAtStart = round2(os.loadavg()[0] ?? 0);
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const schemas = { langomni: `bench_es_${suffix}`, emmett: `bench_emmett_${suffix}` };
  note(`schemas ${schemas.langomni}, ${schemas.emmett}; time limit ${options.timeLimitSeconds}s`);

  const single: PhasePlan = { label: 'single', streamPrefix: 'single', eventsPerAppend: 1 };
  const batch: PhasePlan = { label: 'batch', streamPrefix: 'batch', eventsPerAppend: BATCH_SIZE };
  // Emmett's driver replaces node-postgres' global int8/json parsers when its pool is created: put
  // them back before our read phase, so that it measures our adapter as the application runs it.
  const pgParsers = savePgParsers();
  let database: Database<EventStoreTables> | undefined;
  let emmettStore: PostgresEventStore | undefined;

  try {
    database = await openDatabase<EventStoreTables>({
      kind: 'postgres',
      url: databaseUrl,
      schema: schemas.langomni,
      poolSize: LANGOMNI_POOL_SIZE,
    });
    const store = new SqlEventStore(database, { name: 'bench', pageSize: READ_PAGE_SIZE });
    await assertNoEmmettFunctionsElsewhere(databaseUrl, schemas.emmett);
    await createSchema(databaseUrl, schemas.emmett);
    emmettStore = getPostgreSQLEventStore(withSearchPath(databaseUrl, schemas.emmett));
    const stores: Record<StoreName, Appender> = {
      langomni: langomniAppender(store),
      emmett: emmettAppender(emmettStore),
    };

    const measured: Record<string, PhaseDetails> = {};
    for (const [plan, total] of [
      [single, options.events],
      [batch, options.batchEvents],
    ] as const) {
      for (const name of STORE_NAMES) await warmUp(name, stores[name], plan, options.writers);
      if (plan === single) await assertEmmettSchemaIn(databaseUrl, schemas.emmett);
      const rounds = { langomni: [] as RoundResult[], emmett: [] as RoundResult[] };
      for (let round = 0; round < options.rounds; round++) {
        const events = share(total, options.rounds, round);
        const order = round % 2 === 0 ? STORE_NAMES : [...STORE_NAMES].reverse();
        for (const name of order) {
          await checkpoint(databaseUrl);
          rounds[name].push(
            await timedRound(name, stores[name], plan, events, options.writers, deadline, round),
          );
        }
      }
      for (const name of STORE_NAMES) measured[`${name}_${plan.label}`] = summarize(rounds[name]);
    }

    await emmettStore.close();
    emmettStore = undefined;
    restorePgParsers(pgParsers);

    const appended = expectedTotal(options);
    const read = await readEverything(store, appended, deadline);
    await verifyCounts(databaseUrl, schemas, appended);

    const get = (key: string) => measured[key]!;
    const langomni = {
      single_appends_per_s: rate(get('langomni_single').appends, get('langomni_single').seconds),
      batch_events_per_s: rate(get('langomni_batch').events, get('langomni_batch').seconds),
      read_events_per_s: rate(read.events, read.seconds),
    };
    const emmett = {
      single_appends_per_s: rate(get('emmett_single').appends, get('emmett_single').seconds),
      batch_events_per_s: rate(get('emmett_batch').events, get('emmett_batch').seconds),
    };
    const ratio = {
      single: round2(langomni.single_appends_per_s / emmett.single_appends_per_s),
      batch: round2(langomni.batch_events_per_s / emmett.batch_events_per_s),
    };
    return {
      benchmark: 'eventstore',
      machine,
      config,
      langomni,
      emmett,
      ratio,
      target: { single_ratio_at_least: SINGLE_RATIO_TARGET, met: ratio.single >= SINGLE_RATIO_TARGET },
      details: {
        load_average_1m: { start: loadAtStart, end: round2(os.loadavg()[0] ?? 0) },
        ...measured,
        langomni_read: read,
      },
    };
  } finally {
    deadline.clear();
    await emmettStore?.close().catch((error: unknown) => note(`closing Emmett: ${String(error)}`));
    restorePgParsers(pgParsers);
    await database?.close().catch((error: unknown) => note(`closing our database: ${String(error)}`));
    for (const schema of Object.values(schemas)) {
      await dropSchema(databaseUrl, schema).catch((error: unknown) =>
        note(`could not drop schema ${schema}: ${String(error)}`),
      );
    }
    note('schemas dropped');
  }
}

// ---------------------------------------------------------------------------------------------
// The stores

function langomniAppender(store: SqlEventStore): Appender {
  const revisions = new Map<string, Revision>();
  return {
    append: async (streamId, count) => {
      const expectedRevision = revisions.get(streamId) ?? NO_STREAM_REVISION;
      const result = await store.appendToStream(streamId, langomniEvents(count), { expectedRevision });
      revisions.set(streamId, result.nextExpectedRevision);
    },
  };
}

/** Emmett counts versions from 1 (0n = no stream yet) and refuses a version that is not the current one. */
function emmettAppender(store: PostgresEventStore): Appender {
  const versions = new Map<string, bigint>();
  return {
    append: async (streamId, count) => {
      const expectedStreamVersion = versions.get(streamId) ?? 0n;
      const result = await store.appendToStream<BenchEvent>(streamId, emmettEvents(count), {
        expectedStreamVersion,
      });
      versions.set(streamId, result.nextExpectedStreamVersion);
    },
  };
}

interface BenchData extends Record<string, unknown> {
  roomId: string;
  text: string;
  turn: number;
}

interface BenchMetadata extends Record<string, unknown> {
  correlationId: string;
  timestamp: string;
}

type BenchEvent = Event<'BenchEvent', BenchData, BenchMetadata>;

let sequence = 0;

/** The same payload for both stores (Emmett generates the event ids itself). */
function benchPayload(): { data: BenchData; metadata: BenchMetadata } {
  const turn = sequence++;
  return {
    data: { roomId: `room-${turn % 50}`, text: 'The torch flickers as you step into the great hall.', turn },
    metadata: { correlationId: randomUUID(), timestamp: new Date().toISOString() },
  };
}

function langomniEvents(count: number): NewEvent[] {
  return Array.from({ length: count }, () => ({ id: randomUUID(), type: 'BenchEvent', ...benchPayload() }));
}

function emmettEvents(count: number): BenchEvent[] {
  return Array.from({ length: count }, () => ({ type: 'BenchEvent', ...benchPayload() }) as BenchEvent);
}

// ---------------------------------------------------------------------------------------------
// Phases

const streamsOf = (plan: PhasePlan, writer: number) =>
  Array.from({ length: STREAMS_PER_WRITER }, (_, i) => `bench-${plan.streamPrefix}_w${writer}_s${i}`);

/**
 * Untimed: every writer creates each of its streams with a 1-event append, then makes one append of
 * the phase's size (for Emmett the first append also creates its schema).
 */
async function warmUp(name: StoreName, appender: Appender, plan: PhasePlan, writers: number): Promise<void> {
  note(`${name} ${plan.label}: warm-up`);
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const streams = streamsOf(plan, writer);
      for (const stream of streams) await appender.append(stream, 1);
      await appender.append(streams[0]!, plan.eventsPerAppend);
    }),
  );
}

/** Events the warm-ups leave in each store. */
function warmUpEvents(plan: PhasePlan, writers: number): number {
  return writers * (STREAMS_PER_WRITER + plan.eventsPerAppend);
}

function expectedTotal(options: Options): number {
  return (
    warmUpEvents({ label: 'single', streamPrefix: '', eventsPerAppend: 1 }, options.writers) +
    warmUpEvents({ label: 'batch', streamPrefix: '', eventsPerAppend: BATCH_SIZE }, options.writers) +
    options.events +
    options.batchEvents
  );
}

/** Timed: the writers share `events`, appending `eventsPerAppend` at a time to their own streams in turn. */
async function timedRound(
  name: StoreName,
  appender: Appender,
  plan: PhasePlan,
  events: number,
  writers: number,
  deadline: Deadline,
  round: number,
): Promise<RoundResult> {
  deadline.check();
  let remaining = events;
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const streams = streamsOf(plan, writer);
      let turn = writer + round; // vary the starting stream between rounds
      while (remaining > 0) {
        deadline.check();
        const count = Math.min(plan.eventsPerAppend, remaining);
        remaining -= count;
        const stream = streams[turn++ % streams.length]!;
        const t0 = performance.now();
        await appender.append(stream, count);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  note(
    `${name} ${plan.label} round ${round + 1}: ${events} events in ${latencies.length} appends, ` +
      `${rate(events, seconds)} events/s`,
  );
  return { events, appends: latencies.length, seconds, latencies };
}

function summarize(rounds: readonly RoundResult[]): PhaseDetails {
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  return {
    events: rounds.reduce((sum, r) => sum + r.events, 0),
    appends: rounds.reduce((sum, r) => sum + r.appends, 0),
    seconds: round3(seconds),
    events_per_s_by_round: rounds.map((r) => rate(r.events, r.seconds)),
    latency_ms: percentiles(rounds.flatMap((r) => r.latencies)),
  };
}

/** `total` split into `parts` nearly equal shares; this is share number `index`. */
function share(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

/** One warm-up page, then a timed readAll from the start to the end in pages of READ_PAGE_SIZE. */
async function readEverything(
  store: SqlEventStore,
  expected: number,
  deadline: Deadline,
): Promise<ReadDetails> {
  note('langomni read: warm-up');
  await store.readAll({ after: 'start', maxCount: READ_PAGE_SIZE });
  note(`langomni read: ${expected} events in pages of ${READ_PAGE_SIZE}`);
  let after: bigint | 'start' = 'start';
  let events = 0;
  let pages = 0;
  const started = performance.now();
  while (events < expected) {
    deadline.check();
    const page = await store.readAll({ after, maxCount: READ_PAGE_SIZE });
    pages++;
    if (page.length === 0) {
      // Another session's open transaction holds the visibility horizon back (see migration 0001).
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    events += page.length;
    after = page[page.length - 1]!.position;
  }
  const seconds = (performance.now() - started) / 1000;
  note(`langomni read: ${rate(events, seconds)} events/s`);
  return { events, pages, seconds: round3(seconds) };
}

// ---------------------------------------------------------------------------------------------
// Database chores (outside timing)

const PG_PARSED_TYPES = [20, 114, 3802]; // int8, json, jsonb

function savePgParsers(): Map<number, (value: string) => unknown> {
  return new Map(PG_PARSED_TYPES.map((oid) => [oid, pg.types.getTypeParser(oid, 'text')]));
}

function restorePgParsers(saved: Map<number, (value: string) => unknown>): void {
  for (const [oid, parser] of saved) pg.types.setTypeParser(oid, 'text', parser);
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function createSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (c) => c.query(`create schema ${quoteIdentifier(schema)}`));
}

async function dropSchema(url: string, schema: string): Promise<void> {
  await withClient(url, (c) => c.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`));
}

/** Flushes dirty pages left by the previous round, so that its checkpoint does not land in the next one. */
async function checkpoint(url: string): Promise<void> {
  await withClient(url, (c) => c.query('checkpoint')).catch((error: unknown) =>
    note(`checkpoint skipped: ${String(error)}`),
  );
}

function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${quoteIdentifier(schema)}`);
  return parsed.href;
}

/**
 * Emmett creates each of its functions only if no function of that name exists in ANY schema (its
 * check reads pg_proc without the namespace), so a database that already has Emmett's functions in
 * another schema gets none in ours, and its schema migration fails or we would time other functions.
 */
async function assertNoEmmettFunctionsElsewhere(url: string, schema: string): Promise<void> {
  const { rows } = await withClient(url, (c) =>
    c.query<{ nspname: string }>(
      `select distinct ns.nspname from pg_proc p join pg_namespace ns on ns.oid = p.pronamespace
        where p.proname like 'emt\\_%' and ns.nspname <> $1`,
      [schema],
    ),
  );
  if (rows.length > 0) {
    throw new Error(
      `Emmett's functions already exist in schema(s) ${rows.map((r) => r.nspname).join(', ')} of this ` +
        "database; Emmett would not create its own in the benchmark's schema. Drop them or point " +
        'BENCH_DATABASE_URL at another database.',
    );
  }
}

async function assertEmmettSchemaIn(url: string, schema: string): Promise<void> {
  const { rows } = await withClient(url, (c) =>
    c.query<{ n: number }>(
      `select count(*)::int as n from pg_proc p join pg_namespace ns on ns.oid = p.pronamespace
        where ns.nspname = $1 and p.proname = 'emt_append_to_stream'`,
      [schema],
    ),
  );
  if (rows[0]?.n !== 1) throw new Error(`emt_append_to_stream was not created in ${schema}`);
}

async function verifyCounts(
  url: string,
  schemas: { langomni: string; emmett: string },
  expected: number,
): Promise<void> {
  await withClient(url, async (c) => {
    const ours = await c.query<{ n: number }>(
      `select count(*)::int as n from ${quoteIdentifier(schemas.langomni)}.events`,
    );
    const theirs = await c.query<{ n: number }>(
      `select count(*)::int as n from ${quoteIdentifier(schemas.emmett)}.emt_messages`,
    );
    const counts = { langomni: ours.rows[0]?.n, emmett: theirs.rows[0]?.n };
    if (counts.langomni !== expected || counts.emmett !== expected) {
      throw new Error(`expected ${expected} events in each store, found ${JSON.stringify(counts)}`);
    }
    note(`verified: ${expected} events in each store`);
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers

interface Options {
  events: number;
  batchEvents: number;
  writers: number;
  rounds: number;
  timeLimitSeconds: number;
}

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      events: { type: 'string', default: '20000' },
      'batch-events': { type: 'string', default: '200000' },
      writers: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '2' },
      'time-limit': { type: 'string', default: '180' },
    },
    strict: true,
    allowPositionals: false,
  });
  const options = {
    events: positiveInteger('--events', values.events),
    batchEvents: positiveInteger('--batch-events', values['batch-events']),
    writers: positiveInteger('--writers', values.writers),
    rounds: positiveInteger('--rounds', values.rounds),
    timeLimitSeconds: positiveInteger('--time-limit', values['time-limit']),
  };
  if (options.rounds > Math.min(options.events, options.batchEvents)) {
    throw new Error('--rounds must not exceed --events or --batch-events');
  }
  return options;
}

function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got ${value}`);
  return n;
}

/** A soft deadline checked between appends, and a hard one in case something hangs. */
class Deadline {
  private readonly end: number;
  private readonly hard: NodeJS.Timeout;

  constructor(ms: number) {
    this.end = performance.now() + ms;
    this.hard = setTimeout(() => {
      note(`still running ${Math.round(ms / 1000) + 30}s after the start: giving up (schemas may remain)`);
      process.exit(2);
    }, ms + 30_000);
    this.hard.unref();
  }

  check(): void {
    if (performance.now() > this.end) throw new Error('time limit exceeded (see --time-limit)');
  }

  clear(): void {
    clearTimeout(this.hard);
  }
}

function percentiles(values: number[]): PhaseDetails['latency_ms'] {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => round3(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round3(sorted[sorted.length - 1] ?? 0) };
}

function rate(count: number, seconds: number): number {
  return Math.round(count / seconds);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.href;
}

function note(message: string): void {
  process.stderr.write(`[eventstore] ${message}\n`);
}
