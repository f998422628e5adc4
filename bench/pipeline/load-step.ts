import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { registerAccounts, type SourceAddresses } from './accounts.ts';
import type { ActionOutcomes, OutcomeCounter } from './exactly-once.ts';
import { type ConnectReport, type PlayerSpec, type PlayReport, wallNow } from './ipc.ts';
import { type ProcessFigures, ResourceSampler, type Watched } from './resources.ts';
import { note, type ServerProcess } from './server.ts';
import type { ServerGroup } from './server-group.ts';
import { percentiles, round, Samples, type StepFigures, stepFigures } from './stats.ts';
import type { WorkerPool } from './workers.ts';

export const ACTIONS_PER_SECOND_PER_PLAYER = 4;
export const INTERVAL_MS = 1000 / ACTIONS_PER_SECOND_PER_PLAYER;
export const NO_ANSWER_AFTER_MS = 10_000;
const WELCOME_TIMEOUT_MS = 15_000;
/** How long it may take to open a step's connections, at most (they are started over about 5 s). */
const CONNECT_SPREAD_S = 5;

export interface RunContext {
  /** The server, or process 1 of `group`: registrations go to it. */
  server: ServerProcess;
  /** Several processes of one deployment: players connect to them round-robin. */
  group?: ServerGroup;
  /** Counts each step's actions and outcomes in the event store (PostgreSQL mode). */
  outcomes?: OutcomeCounter;
  pool: WorkerPool;
  addresses: SourceAddresses;
  /** Unique per run, so usernames never collide with another run on the same database. */
  runTag: string;
  watched: Watched[];
  /** PostgreSQL mode: the server the game uses, whose checkpoints during each step are reported. */
  databaseUrl?: string;
  warmupSeconds: number;
  nextUsername: number;
}

/** Registers `count` fresh accounts, each with a source address of its own (outside any timed part). */
export async function newPlayers(context: RunContext, count: number, plays: boolean): Promise<PlayerSpec[]> {
  const usernames = Array.from({ length: count }, () => `${context.runTag}_${context.nextUsername++}`);
  const addresses = context.addresses.take(count);
  const registered = await registerAccounts(
    context.server.baseUrl,
    usernames,
    context.addresses.registration,
    addresses,
  );
  note(
    `registered ${count} players in ${round(registered.seconds)} s` +
      (registered.retriesAfterRefusal > 0
        ? ` (${registered.retriesAfterRefusal} retries after 429 rate_limited or 503 server_busy)`
        : ''),
  );
  return registered.accounts.map((account, i) => ({
    ...account,
    serverUrl: context.group?.urlFor(i) ?? context.server.baseUrl,
    plays,
    phaseMs: (i / count) * INTERVAL_MS,
  }));
}

export interface ConnectFigures {
  requested: number;
  connected: number;
  failed: Record<string, number>;
  welcome: ReturnType<typeof percentiles>;
  /** How many got their welcome within `ms` of the start (not printed: a method). */
  welcomedWithin(ms: number): number;
}

/** Connects players through the workers (each player from its own address); perSecond null: all at once. */
export async function connectPlayers(
  context: RunContext,
  players: PlayerSpec[],
  options: { perSecondTotal: number | null; startAt?: number; welcomeTimeoutMs?: number },
): Promise<ConnectFigures> {
  const startAt = options.startAt ?? wallNow() + 200;
  const shares = context.pool.split(players);
  const perWorker =
    options.perSecondTotal === null
      ? null
      : Math.max(1, options.perSecondTotal / context.pool.workers.length);
  const welcomeTimeoutMs = options.welcomeTimeoutMs ?? WELCOME_TIMEOUT_MS;
  const reports = await context.pool.all((worker, i) =>
    worker.ask<ConnectReport>(
      {
        kind: 'connect',
        players: shares[i]!,
        startAt,
        perSecond: perWorker,
        welcomeTimeoutMs,
      },
      startAt -
        wallNow() +
        (perWorker ? (shares[i]!.length / perWorker) * 1000 : 0) +
        welcomeTimeoutMs +
        30_000,
    ),
  );
  const failed: Record<string, number> = {};
  for (const report of reports)
    for (const [reason, n] of Object.entries(report.failed)) failed[reason] = (failed[reason] ?? 0) + n;
  return {
    requested: players.length,
    connected: reports.reduce((sum, r) => sum + r.connected, 0),
    failed,
    welcome: percentiles(reports.flatMap((r) => r.welcomeMs)),
    welcomedWithin: (ms) => reports.reduce((sum, r) => sum + r.welcomeMs.filter((t) => t <= ms).length, 0),
  };
}

export async function closePlayers(context: RunContext): Promise<void> {
  await context.pool.all((worker) => worker.ask({ kind: 'close' }, 60_000));
}

export interface LoadStepResult extends Omit<StepFigures, 'latency_all_answers'> {
  label: string;
  target_rate_per_s: number;
  players: number;
  seconds: number;
  warmup_seconds: number;
  connect: ConnectFigures;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  resources: Record<string, ProcessFigures>;
  machine_load_average_1m: number;
  /** Each action recorded in the step against its outcomes in the event store. */
  exactly_once?: ActionOutcomes;
}

export interface StepWindow {
  /** Wall-clock times of the measured window. */
  measureStartsAt: number;
  measureEndsAt: number;
}

/**
 * One step: `rate / 4` fresh players registered, connected (each from its own address), playing at
 * 4 actions/s each, phase-shifted; a warm-up, then `seconds` measured. `during` runs alongside the
 * measured window (e.g. the open transaction); its figures join the result.
 */
export async function runLoadStep(
  context: RunContext,
  label: string,
  rate: number,
  seconds: number,
  during?: (window: StepWindow) => Promise<Record<string, unknown>>,
): Promise<LoadStepResult & { samples: Samples; extra?: Record<string, unknown> }> {
  assertRunning(context);
  const lastPosition = await context.outcomes?.lastPosition();
  const playerCount = Math.max(1, Math.round(rate / ACTIONS_PER_SECOND_PER_PLAYER));
  note(`${label}: ${rate} actions/s → ${playerCount} players; registering`);
  const players = await newPlayers(context, playerCount, true);
  const connect = await connectPlayers(context, players, {
    perSecondTotal: Math.max(50, Math.ceil(playerCount / CONNECT_SPREAD_S)),
  });
  note(`${label}: ${connect.connected}/${playerCount} connected ${JSON.stringify(connect.failed)}`);
  const warmupMs = context.warmupSeconds * 1000;
  const measureMs = seconds * 1000;
  const startAt = wallNow() + 300;
  const window = { measureStartsAt: startAt + warmupMs, measureEndsAt: startAt + warmupMs + measureMs };
  const sampler = new ResourceSampler(context.watched);
  const plays = context.pool.all((worker) =>
    worker.ask<PlayReport>(
      { kind: 'play', startAt, warmupMs, measureMs, intervalMs: INTERVAL_MS, graceMs: NO_ANSWER_AFTER_MS },
      warmupMs + measureMs + NO_ANSWER_AFTER_MS + 60_000,
    ),
  );
  // The sampler covers the measured window exactly (not the warm-up, not the wait for late answers).
  const sampling = (async () => {
    await sleep(Math.max(0, window.measureStartsAt - wallNow()));
    sampler.start();
    const before = context.databaseUrl ? await postgresCheckpoints(context.databaseUrl) : undefined;
    await sleep(Math.max(0, window.measureEndsAt - wallNow()));
    const after = context.databaseUrl ? await postgresCheckpoints(context.databaseUrl) : undefined;
    return {
      resources: sampler.stop(),
      loadAverage: os.loadavg()[0]!,
      checkpoints:
        before && after
          ? { count: after.count - before.count, buffers: after.buffers - before.buffers }
          : undefined,
    };
  })();
  const extra = during ? during(window) : undefined;
  const [reports, { resources, loadAverage, checkpoints }, extraFigures] = await Promise.all([
    plays,
    sampling,
    extra,
  ]);
  await closePlayers(context);
  const exactlyOnce = lastPosition === undefined ? undefined : await context.outcomes?.count(lastPosition);
  const samples = new Samples(reports);
  const { latency_all_answers, ...figures } = stepFigures(samples, seconds);
  const { offered_per_s: _offered, answered_per_s: _answered, ...rest } = figures;
  const result = {
    label,
    target_rate_per_s: rate,
    players: playerCount,
    seconds,
    warmup_seconds: context.warmupSeconds,
    connect,
    offered_per_s: figures.offered_per_s,
    answered_per_s: figures.answered_per_s,
    p50_ms: latency_all_answers.p50_ms,
    p95_ms: latency_all_answers.p95_ms,
    p99_ms: latency_all_answers.p99_ms,
    max_ms: latency_all_answers.max_ms,
    ...rest,
    resources,
    // Runnable processes on the whole machine (1-minute average) as the window ended: above the core
    // count, something besides this benchmark (or more than it can run) competed for the cores.
    machine_load_average_1m: round(loadAverage, 2),
    // PostgreSQL's checkpoints (timed, or forced by WAL volume: max_wal_size) while the step was measured.
    ...(checkpoints ? { postgres_checkpoints: checkpoints } : {}),
    ...(exactlyOnce ? { exactly_once: exactlyOnce } : {}),
    samples,
    ...(extraFigures ? { extra: extraFigures } : {}),
  };
  note(
    `${label}: offered ${result.offered_per_s}/s answered ${result.answered_per_s}/s ` +
      `p50 ${result.p50_ms} p95 ${result.p95_ms} p99 ${result.p99_ms} max ${result.max_ms} ms; ` +
      `errors ${JSON.stringify(result.errors)}; server CPU ${resources['server']?.cpu_percent_of_one_core}%` +
      (exactlyOnce
        ? `; ${exactlyOnce.requested} recorded, ${exactlyOnce.resolved_events} ActionResolved, ` +
          `${exactlyOnce.duplicate_outcomes} duplicate, ${exactlyOnce.missing_outcomes} missing`
        : ''),
  );
  return result;
}

export function assertRunning(context: RunContext): void {
  (context.group ?? context.server).assertRunning();
}

/** The step as printed: without the raw samples. */
export function printable(step: LoadStepResult & { samples?: Samples }): LoadStepResult {
  const { samples: _samples, ...rest } = step;
  return rest;
}

/** Passes when P99 < 250 ms and no action went unanswered or timed out. */
export function meetsTarget(step: LoadStepResult): boolean {
  return (
    step.p99_ms !== null &&
    step.p99_ms < 250 &&
    !step.errors['action_timeout'] &&
    !step.errors['no_answer'] &&
    step.results > 0
  );
}

/** PostgreSQL's checkpoint counters so far (pg_stat_bgwriter up to PostgreSQL 16; none where it moved). */
async function postgresCheckpoints(
  databaseUrl: string,
): Promise<{ count: number; buffers: number } | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ count: string; buffers: string }>(
      'select checkpoints_timed + checkpoints_req as count, buffers_checkpoint as buffers from pg_stat_bgwriter',
    );
    return { count: Number(rows[0]!.count), buffers: Number(rows[0]!.buffers) };
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}
