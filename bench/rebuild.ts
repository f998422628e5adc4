/**
 * Read-model rebuild benchmark: every PostgreSQL read model (and the Redis hot state) built from zero
 * over a realistic log of N events with the code `langomni projections rebuild all` runs on the server:
 * ProjectionRegistry.rebuild('all') over the runners system.ts builds, at their shipped settings. What
 * still differs from production is printed, item by item, in `differences_from_production`.
 *
 *   npm run -s bench -- rebuild [--events N] [--players P] [--batch B] [--seed S] [--days D]
 *                               [--writers W] [--window E] [--time-limit S] [--explain] [--no-hot-state]
 *                               [--vacuum]
 *
 * 1. Load (not part of the rebuild figure), in a child process (bench/world-events.ts) so that the
 *    rebuild's memory figures are the rebuild's own: P players play the starter world through the
 *    game's own CommandHandler, PlayerSessions and ActionProcessor (over a store in memory) for N events
 *    (generation, timed alone), then W writers append them to a fresh schema (timed alone). The schema
 *    is created for the run and dropped at the end.
 * 2. Only with --vacuum (a difference from production, printed as one): VACUUM (ANALYZE) and CHECKPOINT
 *    before timing, as autovacuum and the checkpointer may have done to a log that has been there a while.
 * 3. Timed: a ProjectionRunner per read model of `sqlReadModels` (src/projections/read-models/index.ts;
 *    [playersProjection] when that file is missing) and the HotStateRunner over RedisHotState
 *    (BENCH_REDIS_URL, a key prefix of its own, removed at the end), built as src/system.ts builds
 *    them (their default batch size unless --batch is given), in a ProjectionRegistry whose
 *    rebuild('all') starts every rebuildInShadow() at once, as the admin route does. The runners are not started
 *    first (the live copy does not exist: "from zero"), which is what a rebuild on a fresh deployment
 *    sees; on a running server the live loops sit idle meanwhile.
 *    Measured: wall time; events read by all runners and events in the log, each per wall second; peak
 *    RSS and heap (sampled every 100 ms); CPU seconds of this process and of PostgreSQL's and Redis's
 *    processes (from /proc); per read model its wall time, events, batches, and the time of each of its
 *    statements (client side, from kysely's query log on a Kysely of its own over the same pool), rows
 *    and size of its tables.
 * 4. With --explain, or when the target is missed: EXPLAIN (ANALYZE, BUFFERS) of one batch per read
 *    model (the batch after the log's middle), its read and each statement of its apply, in a
 *    transaction that is rolled back.
 *
 * Prints one JSON document; progress on stderr. Bounded: the run stops itself after --time-limit
 * seconds (default 840), cleaning up first (at most 25 s more).
 *
 * Databases: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), BENCH_REDIS_URL
 * (default redis://127.0.0.1:6379/14).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { type CompiledQuery, Kysely, type LogEvent, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { type Database, openDatabase, quoteIdentifier } from '../src/infrastructure/database.ts';
import type { EventStore, StoredEvent } from '../src/infrastructure/event-store/event-store.ts';
import { type EventStoreTables, SqlEventStore } from '../src/infrastructure/event-store/sql-event-store.ts';
import { createLogger, type Logger } from '../src/infrastructure/logger.ts';
import { playersProjection } from '../src/projections/read-models/players.ts';
import { liveNames, type SqlProjection } from '../src/projections/runner/projection.ts';
import { ProjectionRegistry, type ReadModelRunner } from '../src/projections/runner/projection-registry.ts';
import { ProjectionRunner } from '../src/projections/runner/projection-runner.ts';
import { describeMachine, type Machine } from './machine.ts';
import type { GenerateAndLoadReport } from './world-events.ts';
import { positiveInteger } from './world-events.ts';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/14';
const TARGET_LOG_EVENTS_PER_S = 25_000;
/** openDatabase's default, what the server runs with. */
const POOL_SIZE = 20;
const SAMPLE_INTERVAL_MS = 100;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const READ_MODELS_INDEX = join(ROOT, 'src/projections/read-models/index.ts');
const HOT_STATE_DIR = join(ROOT, 'src/projections/hot-state');
const HOT_STATE_RUNNER = join(HOT_STATE_DIR, 'hot-state-projection.ts');
const REDIS_HOT_STATE = join(ROOT, 'src/infrastructure/hot-state/redis-hot-state.ts');

export interface RebuildBenchResult {
  benchmark: 'rebuild';
  machine: Machine;
  config: Record<string, unknown>;
  /** Everything in this run that is not as `langomni projections rebuild all` runs on a server. */
  differences_from_production: string[];
  load: Record<string, unknown>;
  rebuild: {
    wall_s: number;
    log_events: number;
    applied_events: number;
    log_events_per_s: number;
    applied_events_per_s: number;
    peak_rss_mib: number;
    peak_heap_mib: number;
    rss_at_start_mib: number;
    cpu: CpuFigures;
    per_read_model: ReadModelFigures[];
    definitions: Record<string, string>;
  };
  target: { log_events_per_s_at_least: number; met: boolean };
  profile?: ProfileEntry[];
}

interface StatementFigures {
  statement: string;
  calls: number;
  total_s: number;
  mean_ms: number;
}

interface ReadModelFigures {
  name: string;
  kind: 'postgres' | 'redis';
  status: 'done' | 'failed';
  error?: string;
  wall_s: number;
  events: number;
  batches: number;
  events_per_s: number;
  batch_size?: number;
  /** Client-side time in statements, by statement (reads, writes, begin/commit), biggest first. */
  statements: StatementFigures[];
  /** For Redis: time in applyBatch (one script call per batch). */
  apply_s?: number;
  rows?: Record<string, number>;
  size_mib?: number;
  redis_keys?: number;
}

interface CpuFigures {
  cores: number;
  wall_core_s: number;
  node_s: number;
  postgres_s: number | null;
  redis_s: number | null;
  utilization_of_all_cores: number | null;
  /** Share of all cores busy (any process), from /proc/stat. */
  machine_busy_share: number | null;
  /** Busy core-seconds of everything else on the machine (other benchmarks, tests, the kernel). */
  other_processes_s: number | null;
  load_average_1m: { start: number; end: number };
  /** Share of the wall time this process's event loop was busy (JSON, row parsing, the runners' code). */
  node_event_loop_utilization: number;
}

interface ProfileEntry {
  read_model: string;
  after_position: string;
  events: number;
  statements: { statement: string; ms_in_run: number; plan: string[] }[];
}

export interface Options {
  events: number;
  players: number;
  /** undefined: the runners' own default, what the server runs with. */
  batch: number | undefined;
  seed: string;
  days: number;
  writers: number;
  window: number;
  timeLimitSeconds: number;
  explain: boolean;
  hotState: boolean;
  vacuum: boolean;
}

export async function run(args: readonly string[]): Promise<RebuildBenchResult> {
  const options = parseOptions(args);
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const redisUrl = process.env.BENCH_REDIS_URL ?? DEFAULT_REDIS_URL;
  const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const schema = `bench_rebuild_${suffix}`;
  const redisPrefix = `bench:rebuild:${suffix}:`;
  const started = performance.now();
  const cleanup = new Cleanup(databaseUrl, schema, redisUrl, redisPrefix);
  const hardStop = setTimeout(() => {
    note(`time limit of ${options.timeLimitSeconds} s reached: cleaning up and giving up`);
    void cleanup.run().finally(() => process.exit(2));
  }, options.timeLimitSeconds * 1000);
  hardStop.unref();
  const interrupted = (signal: NodeJS.Signals) => {
    note(`${signal}: cleaning up`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const machine = await describeMachine({ postgresUrl: databaseUrl });
  note(`schema ${schema}, redis prefix ${redisPrefix}, time limit ${options.timeLimitSeconds} s`);

  let database: Database<EventStoreTables> | undefined;
  try {
    // 1. Generate and load, in a child process.
    const budgetMs = options.timeLimitSeconds * 1000 - 300_000;
    const loaded = await loadInChild(options, databaseUrl, schema, budgetMs, cleanup);
    database = await openDatabase<EventStoreTables>({
      kind: 'postgres',
      url: databaseUrl,
      schema,
      poolSize: POOL_SIZE,
    });
    const logFigures = await describeLog(database);
    note(`log: ${logFigures.events} events, ${logFigures.table_mib} MiB`);

    // 2. Only on request: what autovacuum and the checkpointer may have done to an older log
    //    (statistics current, visibility map set, no dirty pages pending).
    if (options.vacuum) {
      await sql`vacuum (analyze) events`.execute(database.db);
      await sql`checkpoint`
        .execute(database.db)
        .catch((error: unknown) => note(`checkpoint skipped: ${String(error)}`));
    }

    // 3. The rebuild.
    const models = await sqlReadModels();
    const hot = options.hotState ? await hotStateModule() : { missing: 'disabled with --no-hot-state' };
    const measured = await measureRebuild({
      database,
      projections: models.projections,
      hotState: 'module' in hot ? { modules: hot.module, redisUrl, prefix: redisPrefix } : undefined,
      batchSize: options.batch,
      cleanup,
    });
    const { wall, perModel, failures, memory, cpu: cpuFigures } = measured;
    const hotStateNote =
      'module' in hot
        ? measured.hotStateError
          ? `unavailable: ${measured.hotStateError}`
          : 'HotStateRunner over RedisHotState, rebuilt with the SQL read models'
        : `missing: ${hot.missing}`;

    const applied = perModel.reduce((sum, m) => sum + m.events, 0);
    const logEventsPerS = Math.round(logFigures.events / wall);
    const met = failures.length === 0 && logEventsPerS >= TARGET_LOG_EVENTS_PER_S;
    const result: RebuildBenchResult = {
      benchmark: 'rebuild',
      machine,
      config: {
        database_url: redact(databaseUrl),
        redis_url: redact(redisUrl),
        schema,
        redis_prefix: redisPrefix,
        events: options.events,
        players: options.players,
        batch_size:
          options.batch ?? "the runners' own default (per read model: rebuild.per_read_model[].batch_size)",
        seed: options.seed,
        days: options.days,
        writers: options.writers,
        window_events: options.window,
        pool_size: POOL_SIZE,
        time_limit_s: options.timeLimitSeconds,
        read_models: models.source,
        hot_state: hotStateNote,
        runners:
          "ProjectionRegistry.rebuild('all') (what POST /admin/projections/all/rebuild and `langomni projections rebuild all` call); runners not started before",
        before_timing: options.vacuum ? 'VACUUM (ANALYZE) events; CHECKPOINT' : 'nothing',
      },
      differences_from_production: differencesFromProduction(
        options,
        'module' in hot && !measured.hotStateError,
      ),
      load: { generation: loaded.generation, append: loaded.load, log: logFigures },
      rebuild: {
        wall_s: round3(wall),
        log_events: logFigures.events,
        applied_events: applied,
        log_events_per_s: logEventsPerS,
        applied_events_per_s: Math.round(applied / wall),
        peak_rss_mib: memory.peakRssMiB,
        peak_heap_mib: memory.peakHeapMiB,
        rss_at_start_mib: memory.startRssMiB,
        cpu: cpuFigures,
        per_read_model: perModel,
        definitions: {
          log_events_per_s: 'events in the log / wall time of the whole rebuild (all runners at once)',
          applied_events_per_s:
            'events read and applied by all runners together (an event read by three read models counts three times) / wall time',
          statements: 'client-side time per statement, including waits for this process’s event loop',
        },
      },
      target: { log_events_per_s_at_least: TARGET_LOG_EVENTS_PER_S, met },
    };
    if (failures.length > 0) (result.rebuild as Record<string, unknown>).failures = failures;

    // 4. Where the time goes, one batch at a time.
    const remaining = options.timeLimitSeconds * 1000 - (performance.now() - started);
    if ((options.explain || !met) && remaining > 120_000) {
      note('profiling one batch per read model with EXPLAIN ANALYZE');
      result.profile = await explainBatches(
        database,
        models.projections,
        options.batch ?? perModel.find((m) => m.batch_size)?.batch_size ?? 2_000,
      );
    }
    return result;
  } finally {
    clearTimeout(hardStop);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await database?.close().catch((error: unknown) => note(`closing the database: ${String(error)}`));
    await cleanup.run();
  }
}

export interface MeasureOptions {
  database: Database<EventStoreTables>;
  projections: readonly SqlProjection[];
  hotState?: { modules: HotStateModules; redisUrl: string; prefix: string } | undefined;
  /** undefined: the runners' own default. */
  batchSize: number | undefined;
  cleanup?: Cleanup;
}

/** The timed part: every runner's rebuildInShadow() at once, with the figures of each. */
export async function measureRebuild(options: MeasureOptions) {
  const { database, batchSize } = options;
  const logger = createLogger('silent', false);
  const tasks: RebuildTask[] = options.projections.map((projection) =>
    sqlTask(projection, database, batchSize, logger),
  );
  let hotTask: Awaited<ReturnType<typeof redisTask>> | undefined;
  let hotStateError: string | undefined;
  if (options.hotState) {
    const { modules, redisUrl, prefix } = options.hotState;
    try {
      hotTask = await redisTask(modules, database, redisUrl, prefix, batchSize, logger);
      tasks.push(hotTask.task);
      if (options.cleanup) options.cleanup.closeHotState = hotTask.close;
    } catch (error) {
      hotStateError = (error as Error).message;
      note(`hot state left out: ${hotStateError}`);
    }
  }
  note(
    `rebuilding ${tasks.map((t) => t.name).join(', ')} (batch ${tasks.map((t) => t.figures.batch_size).join('/')})`,
  );
  const registry = new ProjectionRegistry(
    tasks.map((task) => task.runner),
    logger,
  );

  const sampler = new MemorySampler();
  const cpuMeter = await CpuMeter.start();
  const t0 = performance.now();
  const progress = setInterval(() => {
    const line = tasks.map((t) => `${t.name} ${t.figures.events}${t.done ? ' ✓' : ''}`).join(', ');
    note(`${Math.round((performance.now() - t0) / 1000)} s: ${line}`);
  }, 5_000);
  const started = registry.rebuild('all');
  if (started.length !== tasks.length) throw new Error(`the registry started ${started.join(', ')} only`);
  const settled = await Promise.allSettled(
    tasks.map((task) => task.finished ?? Promise.reject(new Error('the registry did not start it'))),
  );
  const wall = (performance.now() - t0) / 1000;
  clearInterval(progress);
  const cpu = await cpuMeter.stop(wall);
  const memory = sampler.stop();
  const failures = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [`${tasks[i]!.name}: ${String(s.reason)}`] : [],
  );
  note(`rebuilt in ${wall.toFixed(1)} s${failures.length > 0 ? `; failed: ${failures.join('; ')}` : ''}`);

  const perModel: ReadModelFigures[] = [];
  for (const task of tasks) {
    const figures = task.figures;
    if (task.kind === 'postgres' && figures.status === 'done')
      Object.assign(figures, await tableFigures(database, task.projection!));
    if (task.kind === 'redis' && hotTask) figures.redis_keys = await hotTask.countKeys();
    perModel.push(figures);
  }
  await hotTask?.close();
  if (options.cleanup) options.cleanup.closeHotState = undefined;
  return { wall, perModel, failures, memory, cpu, hotStateError };
}

// ---------------------------------------------------------------------------------------------
// Loading, in a child process

async function loadInChild(
  options: Options,
  databaseUrl: string,
  schema: string,
  budgetMs: number,
  cleanup: Cleanup,
): Promise<GenerateAndLoadReport> {
  const script = join(ROOT, 'bench/world-events.ts');
  const args = [
    ...process.execArgv,
    '--max-old-space-size=8192',
    script,
    '--schema',
    schema,
    '--events',
    String(options.events),
    '--players',
    String(options.players),
    '--seed',
    options.seed,
    '--days',
    String(options.days),
    '--writers',
    String(options.writers),
    '--window',
    String(options.window),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanup.child = child;
  let stdout = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const timer = setTimeout(() => {
    note(`generation and load did not finish within ${Math.round(budgetMs / 1000)} s: stopping them`);
    child.kill('SIGKILL');
  }, budgetMs);
  try {
    const code = await new Promise<number | null>((resolvePromise, reject) => {
      child.on('error', reject);
      child.on('exit', (exitCode) => resolvePromise(exitCode));
    });
    if (code !== 0) throw new Error(`bench/world-events.ts exited with ${code}`);
  } finally {
    clearTimeout(timer);
    cleanup.child = undefined;
  }
  const line = stdout.trim().split('\n').at(-1);
  if (!line) throw new Error('bench/world-events.ts printed nothing');
  return JSON.parse(line) as GenerateAndLoadReport;
}

async function describeLog(database: Database<EventStoreTables>) {
  const { rows } = await sql<{ events: string; streams: string; table_mib: string; avg_bytes: string }>`
    select (select count(*) from events) as events,
           (select count(*) from event_streams) as streams,
           round(pg_total_relation_size('events') / 1048576.0, 1) as table_mib,
           (select round(avg(pg_column_size(data) + pg_column_size(metadata))) from events) as avg_bytes`.execute(
    database.db,
  );
  const row = rows[0]!;
  return {
    events: Number(row.events),
    streams: Number(row.streams),
    table_mib: Number(row.table_mib),
    avg_stored_data_and_metadata_bytes: Number(row.avg_bytes),
  };
}

// ---------------------------------------------------------------------------------------------
// The read models

export async function sqlReadModels(): Promise<{ projections: SqlProjection[]; source: string }> {
  if (!existsSync(READ_MODELS_INDEX))
    return {
      projections: [playersProjection],
      source: 'FALLBACK [playersProjection]: src/projections/read-models/index.ts does not exist',
    };
  // A computed specifier: the benchmark must also compile and run while that file does not exist.
  const module = (await import(pathToFileURL(READ_MODELS_INDEX).href)) as { sqlReadModels?: SqlProjection[] };
  if (!Array.isArray(module.sqlReadModels) || module.sqlReadModels.length === 0)
    return {
      projections: [playersProjection],
      source: 'FALLBACK [playersProjection]: src/projections/read-models/index.ts exports no sqlReadModels',
    };
  return {
    projections: module.sqlReadModels,
    source: `sqlReadModels from src/projections/read-models/index.ts: ${module.sqlReadModels.map((p) => p.name).join(', ')}`,
  };
}

/** What the hot state modules must provide (looked up at run time: they may not exist yet). */
export interface HotStateModules {
  HotStateRunner: new (
    hotState: unknown,
    store: EventStore,
    logger: Logger,
    options: { batchSize?: number | undefined },
  ) => ReadModelRunner;
  RedisHotState: {
    open(options: { url: string; prefix?: string }): Promise<{
      applyBatch(generation: number, batch: unknown): Promise<void>;
      close(): Promise<void>;
    }>;
  };
}

export async function hotStateModule(): Promise<{ module: HotStateModules } | { missing: string }> {
  if (!existsSync(HOT_STATE_DIR)) return { missing: 'src/projections/hot-state/ does not exist' };
  if (!existsSync(HOT_STATE_RUNNER))
    return {
      missing: `no runner module in src/projections/hot-state/ (found: ${readdirSync(HOT_STATE_DIR).join(', ')})`,
    };
  if (!existsSync(REDIS_HOT_STATE))
    return { missing: 'src/infrastructure/hot-state/redis-hot-state.ts does not exist' };
  const runner = (await import(pathToFileURL(HOT_STATE_RUNNER).href)) as Partial<HotStateModules>;
  const redis = (await import(pathToFileURL(REDIS_HOT_STATE).href)) as Partial<HotStateModules>;
  if (typeof runner.HotStateRunner !== 'function')
    return { missing: 'hot-state-projection.ts exports no HotStateRunner' };
  if (typeof redis.RedisHotState?.open !== 'function')
    return { missing: 'redis-hot-state.ts exports no RedisHotState' };
  return { module: { HotStateRunner: runner.HotStateRunner, RedisHotState: redis.RedisHotState } };
}

interface RebuildTask {
  name: string;
  kind: 'postgres' | 'redis';
  projection?: SqlProjection;
  figures: ReadModelFigures;
  done: boolean;
  /** What the registry holds: the runner, its rebuildInShadow() timed. */
  runner: ReadModelRunner;
  /** Set when the registry starts the rebuild. */
  finished?: Promise<void>;
}

/** The batch size a runner was built with (private to the runner classes; read to report it). */
function batchSizeOf(runner: object): number {
  const size = Reflect.get(runner, 'batchSize');
  if (typeof size !== 'number') throw new Error('the runner has no batchSize field: update bench/rebuild.ts');
  return size;
}

/** The runner as the registry sees it, with its rebuild timed into the task's figures. */
function timedRunner(
  task: Omit<RebuildTask, 'runner'>,
  runner: ReadModelRunner,
  statements: () => StatementFigures[],
  after?: () => void,
): ReadModelRunner {
  return new Proxy(runner, {
    get(target, property) {
      if (property === 'rebuildInShadow')
        return () => {
          const finished = timeRebuild(task, () => target.rebuildInShadow(), statements).finally(after);
          task.finished = finished;
          return finished;
        };
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Per statement: calls and client-side time. */
class StatementLog {
  private readonly byStatement = new Map<string, { calls: number; ms: number }>();

  readonly log = (event: LogEvent) => {
    const key = statementKey(event.query);
    const entry = this.byStatement.get(key) ?? { calls: 0, ms: 0 };
    this.byStatement.set(key, entry);
    entry.calls++;
    entry.ms += event.queryDurationMillis;
  };

  /** The `top` statements by time, and the rest summed up as one line. */
  figures(top = 8): StatementFigures[] {
    const all = [...this.byStatement]
      .map(([statement, { calls, ms }]) => ({
        statement,
        calls,
        total_s: round3(ms / 1000),
        mean_ms: round3(ms / calls),
      }))
      .sort((a, b) => b.total_s - a.total_s);
    const rest = all.slice(top);
    if (rest.length === 0) return all;
    const calls = rest.reduce((sum, s) => sum + s.calls, 0);
    const seconds = rest.reduce((sum, s) => sum + s.total_s, 0);
    return [
      ...all.slice(0, top),
      {
        statement: `(${rest.length} other statements: DDL, the switch-over, ...)`,
        calls,
        total_s: round3(seconds),
        mean_ms: round3((seconds * 1000) / calls),
      },
    ];
  }
}

function statementKey(query: CompiledQuery): string {
  const text = query.sql.replace(/\s+/g, ' ').trim();
  if (/^select \* from "events"/i.test(text))
    return `read page: ${text.replace(/\$\d+(, \$\d+)*/g, '…').slice(0, 160)}`;
  return text.length > 140 ? `${text.slice(0, 140)}…` : text;
}

/**
 * A runner with a Kysely of its own (over the shared pool) whose query log times its statements, and
 * a store over that Kysely, so its reads are timed too. Nothing else differs from the server's runner.
 */
function sqlTask(
  projection: SqlProjection,
  database: Database<EventStoreTables>,
  batchSize: number | undefined,
  logger: Logger,
): RebuildTask {
  const statements = new StatementLog();
  const db = new Kysely<EventStoreTables>({
    dialect: new PostgresDialect({ pool: database.pool }),
    log: statements.log,
  });
  const store = new SqlEventStore(
    { db, pool: database.pool, kind: 'postgres' },
    { name: `bench-${projection.name}` },
  );
  const figures = emptyFigures(projection.name, 'postgres');
  const counted: SqlProjection = {
    ...projection,
    async apply(trx, events, names) {
      figures.events += events.length;
      figures.batches++;
      await projection.apply(trx, events, names);
    },
  };
  const runner = new ProjectionRunner(counted, db as unknown as Kysely<unknown>, store, logger, {
    batchSize,
  });
  figures.batch_size = batchSizeOf(runner);
  const task: Omit<RebuildTask, 'runner'> = {
    name: projection.name,
    kind: 'postgres',
    projection,
    figures,
    done: false,
  };
  return Object.assign(task, { runner: timedRunner(task, runner, () => statements.figures()) });
}

async function redisTask(
  modules: HotStateModules,
  database: Database<EventStoreTables>,
  redisUrl: string,
  prefix: string,
  batchSize: number | undefined,
  logger: Logger,
): Promise<{ task: RebuildTask; countKeys: () => Promise<number>; close: () => Promise<void> }> {
  const statements = new StatementLog();
  const db = new Kysely<EventStoreTables>({
    dialect: new PostgresDialect({ pool: database.pool }),
    log: statements.log,
  });
  const store = new SqlEventStore({ db, pool: database.pool, kind: 'postgres' }, { name: 'bench-hot-state' });
  const hotState = await modules.RedisHotState.open({ url: redisUrl, prefix });
  const figures = emptyFigures('hot-state', 'redis');
  let applyMs = 0;
  // Counts and times every batch the runner hands to Redis (everything else goes to the adapter as is).
  const counting = new Proxy(hotState, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'applyBatch' || typeof value !== 'function') return value;
      return async (generation: number, batch: { positions: unknown[]; actions: unknown[] }) => {
        const t = performance.now();
        await (value as typeof hotState.applyBatch).call(target, generation, batch);
        applyMs += performance.now() - t;
        figures.batches++;
      };
    },
  });
  // The batch's event count is what the runner read: count it at the store.
  const countingStore = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'readAll' || typeof value !== 'function') return value;
      return async (...args: Parameters<SqlEventStore['readAll']>) => {
        const page = (await (value as SqlEventStore['readAll']).apply(target, args)) as StoredEvent[];
        figures.events += page.length;
        return page;
      };
    },
  });
  const runner = new modules.HotStateRunner(counting, countingStore, logger, { batchSize });
  figures.batch_size = batchSizeOf(runner);
  const base: Omit<RebuildTask, 'runner'> = { name: 'hot-state', kind: 'redis', figures, done: false };
  const task: RebuildTask = Object.assign(base, {
    runner: timedRunner(
      base,
      runner,
      () => statements.figures(),
      () => {
        figures.apply_s = round3(applyMs / 1000);
      },
    ),
  });
  const countKeys = async () => {
    const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    try {
      return (await scanKeys(client, prefix)).length;
    } finally {
      client.disconnect();
    }
  };
  return { task, countKeys, close: () => hotState.close() };
}

async function timeRebuild(
  task: Omit<RebuildTask, 'runner'>,
  rebuild: () => Promise<void>,
  statements: () => StatementFigures[],
): Promise<void> {
  const t = performance.now();
  try {
    await rebuild();
    task.figures.status = 'done';
  } catch (error) {
    task.figures.status = 'failed';
    task.figures.error = (error as Error).message;
    throw error;
  } finally {
    task.done = true;
    task.figures.wall_s = round3((performance.now() - t) / 1000);
    task.figures.events_per_s = Math.round(task.figures.events / Math.max(task.figures.wall_s, 0.001));
    task.figures.statements = statements();
  }
}

function emptyFigures(name: string, kind: 'postgres' | 'redis'): ReadModelFigures {
  return { name, kind, status: 'failed', wall_s: 0, events: 0, batches: 0, events_per_s: 0, statements: [] };
}

async function tableFigures(database: Database<EventStoreTables>, projection: SqlProjection) {
  const rows: Record<string, number> = {};
  let bytes = 0;
  for (const [table, physical] of Object.entries(liveNames(projection))) {
    const { rows: found } = await sql<{ n: string; bytes: string | null }>`
      select (select count(*) from ${sql.table(physical)}) as n,
             (select case when c.relkind in ('r', 'p', 'm') then pg_total_relation_size(c.oid) end
                from pg_class c where c.oid = to_regclass(${physical})) as bytes`.execute(database.db);
    rows[table] = Number(found[0]?.n ?? 0);
    bytes += Number(found[0]?.bytes ?? 0);
  }
  return { rows, size_mib: Math.round((bytes / 2 ** 20) * 10) / 10 };
}

// ---------------------------------------------------------------------------------------------
// EXPLAIN ANALYZE of one batch per read model

class Rollback extends Error {}

/** Runs `work` in a transaction that is always rolled back. */
async function rolledBack(
  db: Kysely<EventStoreTables>,
  work: (trx: Kysely<EventStoreTables>) => Promise<void>,
) {
  await db
    .transaction()
    .execute(async (trx) => {
      await work(trx);
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
}

const TRANSACTION_CONTROL = /^(begin|commit|rollback)\b/i;

export async function explainBatches(
  database: Database<EventStoreTables>,
  projections: readonly SqlProjection[],
  batchSize: number,
): Promise<ProfileEntry[]> {
  const { rows } = await sql<{ position: string }>`
    select position from events order by position offset (select count(*) / 2 from events) limit 1`.execute(
    database.db,
  );
  const middle = BigInt(rows[0]?.position ?? '0');
  const captured: { query: CompiledQuery; ms: number }[] = [];
  const capturing = new Kysely<EventStoreTables>({
    dialect: new PostgresDialect({ pool: database.pool }),
    log: (event) => {
      if (!TRANSACTION_CONTROL.test(event.query.sql))
        captured.push({ query: event.query, ms: event.queryDurationMillis });
    },
  });
  const store = new SqlEventStore(
    { db: capturing, pool: database.pool, kind: 'postgres' },
    { name: 'bench-explain' },
  );
  const entries: ProfileEntry[] = [];
  for (const projection of projections) {
    captured.length = 0;
    const batch = await store.readAll({ after: middle, filter: projection.filter, maxCount: batchSize });
    const read = captured.at(-1);
    if (batch.length === 0 || !read) continue;
    const names = liveNames(projection);
    // The batch's rows are already there after the rebuild: in tables keyed by the event, remove them
    // first (in the rolled-back transaction), so that its inserts insert as they did during the rebuild.
    const keyedByEvent = await eventKeyedTables(database, Object.values(names));
    const first = batch[0]!.position.toString();
    const removeBatchRows = async (trx: Kysely<EventStoreTables>) => {
      for (const table of keyedByEvent)
        await sql`delete from ${sql.table(table)} where position >= ${first}`.execute(trx);
    };
    let applied: { query: CompiledQuery; ms: number }[] = [];
    await rolledBack(capturing, async (trx) => {
      await removeBatchRows(trx);
      captured.length = 0;
      await projection.apply(trx as unknown as Transaction<unknown>, batch, names);
      applied = [...captured];
    });
    const plans: string[][] = [];
    await rolledBack(capturing, async (trx) => {
      await removeBatchRows(trx);
      for (const { query } of [read, ...applied]) {
        const result = await trx.executeQuery<{ 'QUERY PLAN': string }>({
          ...query,
          sql: `explain (analyze, buffers) ${query.sql}`,
        });
        plans.push(result.rows.map((r) => r['QUERY PLAN']));
      }
    });
    entries.push({
      read_model: projection.name,
      after_position: middle.toString(),
      events: batch.length,
      statements: [read, ...applied].map((s, i) => ({
        statement: statementKey(s.query),
        ms_in_run: round3(s.ms),
        plan: plans[i] ?? [],
      })),
    });
  }
  return entries;
}

/** Tables whose primary key is the event (its position or id): a batch's rows are new rows. */
async function eventKeyedTables(
  database: Database<EventStoreTables>,
  tables: readonly string[],
): Promise<string[]> {
  const keyed: string[] = [];
  for (const table of tables) {
    const { rows } = await sql<{ columns: string[] | null; has_position: boolean }>`
      select (select array_agg(a.attname::text) from pg_index i
                join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
               where i.indrelid = to_regclass(${table}) and i.indisprimary) as columns,
             exists (select 1 from pg_attribute where attrelid = to_regclass(${table}) and attname = 'position') as has_position`.execute(
      database.db,
    );
    const columns = rows[0]?.columns ?? [];
    if (
      rows[0]?.has_position &&
      columns.length > 0 &&
      columns.every((c) => ['position', 'at', 'event_id'].includes(c))
    )
      keyed.push(table);
  }
  return keyed;
}

// ---------------------------------------------------------------------------------------------
// Memory and CPU

class MemorySampler {
  private peakRss = 0;
  private peakHeap = 0;
  private readonly startRss: number;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.startRss = process.memoryUsage().rss;
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
  }

  private sample(): void {
    const { rss, heapUsed } = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, rss);
    this.peakHeap = Math.max(this.peakHeap, heapUsed);
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
    const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
    return {
      peakRssMiB: mib(this.peakRss),
      peakHeapMiB: mib(this.peakHeap),
      startRssMiB: mib(this.startRss),
    };
  }
}

/** CPU seconds of this process and of the PostgreSQL and Redis server processes (Linux /proc). */
class CpuMeter {
  private constructor(
    private readonly node: NodeJS.CpuUsage,
    private readonly servers: { postgres: number; redis: number } | null,
    private readonly machine: { busy: number; total: number } | null,
    private readonly loop: ReturnType<typeof performance.eventLoopUtilization>,
    private readonly load: number,
  ) {}

  static async start(): Promise<CpuMeter> {
    return new CpuMeter(
      process.cpuUsage(),
      serverCpuSeconds(),
      machineTicks(),
      performance.eventLoopUtilization(),
      os.loadavg()[0] ?? 0,
    );
  }

  async stop(wallSeconds: number): Promise<CpuFigures> {
    const node = process.cpuUsage(this.node);
    const nodeSeconds = (node.user + node.system) / 1e6;
    const now = serverCpuSeconds();
    const postgres = now && this.servers ? now.postgres - this.servers.postgres : null;
    const redis = now && this.servers ? now.redis - this.servers.redis : null;
    const cores = os.cpus().length;
    const machine = machineTicks();
    const busy = machine && this.machine ? (machine.busy - this.machine.busy) / 100 : null;
    const other = busy === null || postgres === null ? null : busy - nodeSeconds - postgres - (redis ?? 0);
    return {
      cores,
      wall_core_s: round3(wallSeconds * cores),
      node_s: round3(nodeSeconds),
      postgres_s: postgres === null ? null : round3(postgres),
      redis_s: redis === null ? null : round3(redis),
      utilization_of_all_cores:
        postgres === null ? null : round3((nodeSeconds + postgres + (redis ?? 0)) / (wallSeconds * cores)),
      machine_busy_share: busyShare(this.machine, machineTicks()),
      other_processes_s: other === null ? null : round3(Math.max(0, other)),
      load_average_1m: { start: round3(this.load), end: round3(os.loadavg()[0] ?? 0) },
      node_event_loop_utilization: round3(performance.eventLoopUtilization(this.loop).utilization),
    };
  }
}

/** Busy and total jiffies of all cores together (the first line of /proc/stat). */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const total = fields.reduce((sum, n) => sum + n, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

function busyShare(from: { busy: number; total: number } | null, to: { busy: number; total: number } | null) {
  if (!from || !to || to.total === from.total) return null;
  return round3((to.busy - from.busy) / (to.total - from.total));
}

/**
 * utime + stime of each server process, plus cutime + cstime: the CPU of children that ended and were
 * waited for (PostgreSQL's postmaster reaps its backends, so a backend that ends mid-run still counts).
 */
function serverCpuSeconds(): { postgres: number; redis: number } | null {
  if (!existsSync('/proc/self/stat')) return null;
  const ticks = 100; // USER_HZ on Linux
  let postgres = 0;
  let redis = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds =
        (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticks;
      if (name === 'postgres' || name.startsWith('postgres:')) postgres += seconds;
      else if (name.startsWith('redis-server')) redis += seconds;
    } catch {
      // the process ended meanwhile
    }
  }
  return { postgres, redis };
}

// ---------------------------------------------------------------------------------------------
// Cleanup

export class Cleanup {
  child: ChildProcess | undefined;
  closeHotState: (() => Promise<void>) | undefined;
  private done = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly schema: string,
    private readonly redisUrl: string,
    private readonly redisPrefix: string,
  ) {}

  async run(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.child?.kill('SIGKILL');
    await this.closeHotState?.().catch(() => {});
    await withTimeout(this.dropSchema(), 15_000).catch((error: unknown) =>
      note(`could not drop schema ${this.schema}: ${String(error)}`),
    );
    await withTimeout(this.dropRedisKeys(), 10_000).catch((error: unknown) =>
      note(`could not remove Redis keys ${this.redisPrefix}*: ${String(error)}`),
    );
  }

  private async dropSchema(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query(`drop schema if exists ${quoteIdentifier(this.schema)} cascade`);
      note(`schema ${this.schema} dropped`);
    } finally {
      await client.end();
    }
  }

  private async dropRedisKeys(): Promise<void> {
    const client = new Redis(this.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      connectTimeout: 5_000,
    });
    try {
      await client.connect();
    } catch {
      client.disconnect();
      return; // no Redis: nothing was written there
    }
    try {
      const keys = await scanKeys(client, this.redisPrefix);
      for (let i = 0; i < keys.length; i += 1_000) await client.unlink(...keys.slice(i, i + 1_000));
      note(`${keys.length} Redis keys ${this.redisPrefix}* removed`);
    } finally {
      client.disconnect();
    }
  }
}

async function scanKeys(client: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await client.scan(
      cursor,
      'MATCH',
      `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`,
      'COUNT',
      1_000,
    );
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  return keys;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// Small helpers

export function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      events: { type: 'string', default: '1000000' },
      players: { type: 'string', default: '2000' },
      batch: { type: 'string' },
      seed: { type: 'string', default: 'bench-1' },
      days: { type: 'string', default: '7' },
      writers: { type: 'string', default: '8' },
      window: { type: 'string', default: '10000' },
      'time-limit': { type: 'string', default: '840' },
      explain: { type: 'boolean', default: false },
      'no-hot-state': { type: 'boolean', default: false },
      vacuum: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const days = Number(values.days);
  if (!Number.isFinite(days) || days <= 0)
    throw new Error(`--days must be a positive number, got ${values.days}`);
  const timeLimitSeconds = positiveInteger('--time-limit', values['time-limit']);
  if (timeLimitSeconds > 870)
    throw new Error('--time-limit is at most 870 s (the run, cleanup included, must end within 15 minutes)');
  if (timeLimitSeconds < 400) throw new Error('--time-limit is at least 400 s (load, rebuild and cleanup)');
  return {
    events: positiveInteger('--events', values.events),
    players: positiveInteger('--players', values.players),
    batch: values.batch === undefined ? undefined : positiveInteger('--batch', values.batch),
    seed: values.seed,
    days,
    writers: positiveInteger('--writers', values.writers),
    window: positiveInteger('--window', values.window),
    timeLimitSeconds,
    explain: values.explain,
    hotState: !values['no-hot-state'],
    vacuum: values.vacuum,
  };
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
  process.stderr.write(`[rebuild] ${message}\n`);
}

/** Everything in this run that is not as `langomni projections rebuild all` runs on a server. */
export function differencesFromProduction(
  options: Pick<Options, 'batch' | 'vacuum' | 'hotState'>,
  hotStateRebuilt: boolean,
): string[] {
  const differences = [
    "the log is made by bench/world-events.ts with the game's CommandHandler, PlayerSessions, WorldRuntime and ActionProcessor (the RulesEngine as its lane) over an event store in memory; accounts are registered through the deciders (no password hash or credential store), the ActionProcessor has no NPC memory recaller and is called for each action in turn rather than following the log",
    'the log is appended in windows by several writers, one batch per stream and window, not one action at a time: global positions follow time only to within a window',
    'the runners are not started before the rebuild (no live copy exists, as on a fresh deployment); on a running server their live loops follow new events meanwhile',
    'no other work shares this process, its pool or the cores: no gateway, action lanes, NPC memories or live traffic',
    "each SQL runner has a Kysely of its own with a query log (every statement timed) and a SqlEventStore of its own over the one pool; the server's runners share one Kysely and one store",
    "each read model's apply, and the hot state's applyBatch and readAll, are wrapped to count events and batches",
  ];
  if (options.batch !== undefined)
    differences.push(`batch size ${options.batch} (--batch); the server's runners use their default`);
  if (options.vacuum) differences.push('VACUUM (ANALYZE) events and CHECKPOINT ran before timing (--vacuum)');
  if (!hotStateRebuilt)
    differences.push('the Redis hot state was not rebuilt (--no-hot-state, or it could not be opened)');
  else differences.push("the hot state's Redis keys are under a bench prefix, not REDIS_PREFIX + 'hot:'");
  return differences;
}
