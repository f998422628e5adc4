/**
 * The whole pipeline under load, as players feel it: the real server (src/main.ts) in a child process
 * with the settings it ships with, simulated players in separate client processes, each player with a
 * WebSocket of its own from a loopback source address of its own.
 *
 *   npm run -s bench -- pipeline [--mode postgres|embedded] [--scenario steps|startup|storm|idle|broadcast|open-transaction]
 *                                [--rates 400,1000] [--seconds 60] [--warmup 5] [--workers 2] [--no-overload]
 *                                [--players N] [--background 100] [--speakers 5] [--connect-rate 500] [--repeat 3]
 *                                [--processes 1 | 1,2,3]
 *
 * steps: for each offered rate, rate/4 fresh players (registered beforehand through POST /auth/register)
 * send 4 actions/s each on a fixed, phase-shifted schedule (an even mix of look, inventory, move, say,
 * quest status). Latency runs from each action's SCHEDULED send time to its answer (action_result or
 * error with the same id), so a late client counts; no answer 10 s after the step is `no_answer`.
 * capacity_per_s is the highest rate with P99 < 250 ms and no action_timeout/no_answer; an overload
 * step at twice it follows. --processes N (PostgreSQL mode, steps) runs N server processes of one
 * deployment, players spread over them round-robin; a list (1,2,3) runs the steps once per count, each
 * on a fresh schema, and sums them up in `scaling` (see bench/pipeline/scaling.ts). Other scenarios: see bench/pipeline/connection-scenarios.ts and
 * bench/pipeline/load-scenarios.ts. Output: one JSON document on stdout; progress on stderr.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeMachine } from './machine.ts';
import { SourceAddresses } from './pipeline/accounts.ts';
import {
  broadcastScenario,
  idleScenario,
  startupScenario,
  stormScenario,
} from './pipeline/connection-scenarios.ts';
import { openTransactionScenario, stepsScenario } from './pipeline/load-scenarios.ts';
import type { RunContext } from './pipeline/load-step.ts';
import type { Watched } from './pipeline/resources.ts';
import { scalingRuns } from './pipeline/scaling.ts';
import {
  backingServices,
  Cleanup,
  type Mode,
  note,
  ServerProcess,
  shippedStartArgs,
} from './pipeline/server.ts';
import { WorkerPool } from './pipeline/workers.ts';

const SCENARIOS = ['steps', 'startup', 'storm', 'idle', 'broadcast', 'open-transaction'] as const;
type Scenario = (typeof SCENARIOS)[number];
const DEFAULT_RATES: Record<Mode, number[]> = {
  postgres: [400, 1000, 2000, 3000, 4000],
  embedded: [200, 320, 600, 1000, 1400],
};
const DEFAULT_PLAYERS: Partial<Record<Scenario, number>> = { storm: 5_000, idle: 15_000, broadcast: 1_000 };

interface Options {
  mode: Mode;
  modeGiven: boolean;
  scenario: Scenario;
  rates: number[];
  seconds: number;
  warmup: number;
  workers: number;
  overload: boolean;
  players: number;
  background: number;
  speakers: number;
  connectRate: number;
  repeat: number;
  processes: number[];
}

export async function run(args: readonly string[]): Promise<unknown> {
  const options = parseOptions(args);
  const backing = backingServices();
  const cleanup = new Cleanup().onSignals();
  const watchdog = setTimeout(() => {
    note(`time limit of ${timeLimitSeconds(options)} s reached: stopping`);
    void cleanup.run().finally(() => process.exit(3));
  }, timeLimitSeconds(options) * 1000);
  try {
    return await runScenario(options, backing, cleanup);
  } finally {
    clearTimeout(watchdog);
    await cleanup.run();
  }
}

async function runScenario(options: Options, backing: ReturnType<typeof backingServices>, cleanup: Cleanup) {
  note(
    `scenario ${options.scenario}, mode ${options.mode}, ${options.seconds} s measured per step, ` +
      `${options.warmup} s warm-up, ${options.workers} client workers`,
  );
  const machine = await describeMachine(
    options.mode === 'postgres' ? { postgresUrl: backing.databaseUrl } : {},
  );
  const header = {
    benchmark: 'pipeline',
    mode: options.mode,
    scenario: options.scenario,
    machine,
    bench_settings: describeOptions(options),
    server_command: ['node', ...shippedStartArgs()].join(' '),
  };
  if (options.scenario === 'startup') {
    const modes: Mode[] = options.modeGiven ? [options.mode] : ['embedded', 'postgres'];
    const runs = await startupScenario(modes, backing, options.repeat, cleanup);
    return {
      ...header,
      mode: modes.join('+'),
      settings: runs[0]?.['settings'],
      differences_from_production: differences(options),
      startup: runs,
    };
  }

  if (options.scenario === 'storm' || options.scenario === 'idle') {
    const sockets = options.players + (options.scenario === 'storm' ? options.background : 0);
    const limit = openFilesLimit();
    if (limit !== undefined && sockets + 1_000 > limit)
      throw new Error(`${sockets} connections need more than this process's open-files limit of ${limit}`);
  }
  if (options.scenario === 'steps' && options.mode === 'postgres')
    return {
      ...header,
      differences_from_production: differences(options),
      ...(await steps(options, backing, cleanup)),
    };
  const server = await ServerProcess.spawn(options.mode, backing, cleanup);
  note(`server pid ${server.child.pid} at ${server.baseUrl} (${options.mode}); waiting for /health`);
  const healthyMs = await server.waitHealthy();
  note(`healthy after ${Math.round(healthyMs)} ms`);
  const pool = new WorkerPool(options.workers);
  cleanup.add('stop client workers', () => pool.stop());
  const watched: Watched[] = [
    { label: 'server', pid: server.pid },
    ...clientWatched(pool),
    ...(options.mode === 'postgres' ? backingWatched : []),
  ];
  const addresses = new SourceAddresses();
  const context: RunContext = {
    server,
    pool,
    ...(options.mode === 'postgres' ? { databaseUrl: backing.databaseUrl } : {}),
    addresses,
    runTag: `b${randomBytes(3).toString('hex')}`,
    watched,
    warmupSeconds: options.warmup,
    nextUsername: 0,
  };
  const figures = await scenarioFigures(options, context, backing.databaseUrl);
  server.assertRunning();
  return {
    ...header,
    settings: server.settings,
    differences_from_production: differences(options),
    server_spawn_to_healthy_ms: Math.round(healthyMs),
    distinct_source_addresses: addresses.used,
    players_per_step:
      'fresh players for every step: registered before it, connected for it, disconnected after it',
    ...figures,
  };
}

/** The steps scenario on PostgreSQL, at one or several process counts (bench/pipeline/scaling.ts). */
async function steps(options: Options, backing: ReturnType<typeof backingServices>, cleanup: Cleanup) {
  const pool = new WorkerPool(options.workers);
  cleanup.add('stop client workers', () => pool.stop());
  const addresses = new SourceAddresses();
  const figures = await scalingRuns(
    {
      processes: options.processes,
      rates: options.rates,
      seconds: options.seconds,
      warmupSeconds: options.warmup,
      overload: options.overload,
    },
    { backing, cleanup, pool, addresses, watched: [...clientWatched(pool), ...backingWatched] },
  );
  return {
    ...figures,
    distinct_source_addresses: addresses.used,
    players_per_step:
      'fresh players for every step: registered before it, connected for it, disconnected after it',
  };
}

const clientWatched = (pool: WorkerPool): Watched[] =>
  pool.workers.map((w) => ({ label: w.name, pid: w.pid! }));
const backingWatched: Watched[] = [
  { label: 'postgresql (all postgres processes)', pgrep: 'postgres' },
  { label: 'redis (all redis-server processes)', pgrep: 'redis-server' },
];

async function scenarioFigures(options: Options, context: RunContext, databaseUrl: string) {
  switch (options.scenario) {
    case 'steps':
      return stepsScenario(context, options.rates, options.seconds, options.overload);
    case 'open-transaction':
      return {
        open_transaction: await openTransactionScenario(
          context,
          databaseUrl,
          options.rates[0]!,
          options.seconds,
        ),
      };
    case 'storm':
      return { storm: await stormScenario(context, options.players, options.background) };
    case 'idle':
      return { idle: await idleScenario(context, options.players, options.connectRate) };
    case 'broadcast':
      return {
        broadcast: await broadcastScenario(context, options.players, options.speakers, options.seconds),
      };
    case 'startup':
      throw new Error('startup runs without a shared server');
  }
}

/** The soft limit on open files the server inherits (it holds one descriptor per connection). */
function openFilesLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && soft !== 'unlimited' ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

function differences(options: Options): string[] {
  const list = [
    'PASSWORD_HASH_MEMORY_KIB=1024 (production: 19456, argon2id): registration is outside every timed part, and no login is timed',
    'loopback network: no network latency, bandwidth limit, packet loss, TLS or proxy between players and the server',
    `the ${options.workers} client worker processes (and this parent) run on the same ${'machine'} as the server, competing for its cores; time a client needs to send or to read an answer counts in the latency`,
    'server stdout (its pino log at the default level) goes to /dev/null instead of a log shipper',
    'each simulated player has a loopback source address of its own (127.0.0.2, …); on the internet players behind one NAT share an address',
    'the database starts empty (a fresh data dir / schema) apart from the accounts this run registers',
    'fresh players per step, who all start where the world starts them, rather than a population spread over the world',
    'a synthetic, fixed-rate mix (look, inventory, move, say, quest status in equal shares at 4 actions/s per player, the per-player limit): no talk, attack or take',
    'lanes are the rule engine (no LLM variables set)',
    "the simulated players count the `events` batch frames of others' doings without parsing them (except in the broadcast scenario, which times them); a browser would render each",
  ];
  if (options.processes.some((n) => n > 1))
    list.push(
      'with N > 1 processes, each player connects to process (i mod N) directly: round-robin in the bench stands in for a load balancer (nginx); no proxy hop, no health-based routing',
      'registrations all go to process 1; players then connect to any process with the token it issued',
      'all N processes run on this one machine: they and PostgreSQL, Redis and the client workers share its cores (`cores`), so N processes show coordination overhead, not the gain of N machines',
      'process 1 starts alone and migrates the fresh schema; the others start once it is healthy',
    );
  if (options.mode === 'postgres')
    list.push(
      'PostgreSQL and Redis run on the same machine and are shared with whatever else runs there; their CPU and RSS figures are of every postgres / redis-server process on the machine',
    );
  else
    list.push('embedded mode: PGlite (in a worker thread) and in-process caches inside the server process');
  const extraNodeArgs = process.env['BENCH_SERVER_NODE_ARGS']?.trim();
  if (extraNodeArgs)
    list.push(`the server runs with extra node flags (BENCH_SERVER_NODE_ARGS): ${extraNodeArgs}`);
  return list;
}

function describeOptions(options: Options): Record<string, unknown> {
  const common = { workers: options.workers, warmup_seconds: options.warmup };
  switch (options.scenario) {
    case 'steps':
      return {
        ...common,
        processes: options.processes,
        rates: options.rates,
        seconds_per_step: options.seconds,
        overload: options.overload,
        actions_per_second_per_player: 4,
        mix: ['look', 'inventory', 'move', 'say', 'quest status'],
        no_answer_after_s: 10,
      };
    case 'open-transaction':
      return { ...common, rate: options.rates[0], seconds: options.seconds, transaction_seconds: 10 };
    case 'storm':
      return { ...common, storm_players: options.players, background_players: options.background };
    case 'idle':
      return { ...common, connections: options.players, connect_rate_per_s: options.connectRate };
    case 'broadcast':
      return { ...common, players: options.players, speakers: options.speakers, seconds: options.seconds };
    case 'startup':
      return { repeat: options.repeat, idle_seconds: 10 };
  }
}

/** A bound on the whole run, generous for registration and connection phases. */
function timeLimitSeconds(options: Options): number {
  const perStep = options.warmup + options.seconds + 20 + 180;
  switch (options.scenario) {
    case 'steps':
      return options.processes.reduce(
        (sum, n) => sum + 300 + 60 * n + perStep * (options.rates.length + (options.overload ? 1 : 0)),
        0,
      );
    case 'open-transaction':
      return 300 + perStep;
    case 'startup':
      return 120 + options.repeat * 2 * 200;
    default:
      return 600 + options.seconds + Math.ceil(options.players / 10);
  }
}

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      mode: { type: 'string' },
      scenario: { type: 'string', default: 'steps' },
      rates: { type: 'string' },
      seconds: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '5' },
      workers: { type: 'string', default: '2' },
      overload: { type: 'boolean', default: true },
      'no-overload': { type: 'boolean', default: false },
      players: { type: 'string' },
      background: { type: 'string', default: '100' },
      speakers: { type: 'string', default: '5' },
      'connect-rate': { type: 'string', default: '500' },
      repeat: { type: 'string', default: '3' },
      processes: { type: 'string', default: '1' },
    },
    strict: true,
  });
  const mode = values.mode ?? 'postgres';
  if (mode !== 'postgres' && mode !== 'embedded') throw new Error('--mode must be postgres or embedded');
  const scenario = values.scenario as Scenario;
  if (!SCENARIOS.includes(scenario)) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}`);
  if (scenario === 'open-transaction' && mode !== 'postgres')
    throw new Error('--scenario open-transaction needs --mode postgres');
  const positive = (name: string, text: string, whole = true): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value)))
      throw new Error(
        `--${name} must be a positive ${whole ? 'whole ' : ''}number, not ${JSON.stringify(text)}`,
      );
    return value;
  };
  const processes = values.processes.split(',').map((n) => positive('processes', n.trim()));
  if (processes.some((n) => n > 1) && mode !== 'postgres')
    throw new Error(
      '--processes above 1 needs --mode postgres: in embedded mode one process owns its data dir ' +
        '(PGlite, locked by the process that opened it), so a second server cannot share the data',
    );
  if (processes.some((n) => n > 1) && scenario !== 'steps')
    throw new Error('--processes above 1 applies to --scenario steps only');
  const defaultRates = scenario === 'open-transaction' ? [1000] : DEFAULT_RATES[mode];
  return {
    mode,
    modeGiven: values.mode !== undefined,
    scenario,
    rates: values.rates ? values.rates.split(',').map((r) => positive('rates', r.trim())) : defaultRates,
    seconds: positive('seconds', values.seconds, false),
    warmup: Number(values.warmup) >= 0 ? Number(values.warmup) : positive('warmup', values.warmup, false),
    workers: positive('workers', values.workers),
    overload: values.overload && !values['no-overload'],
    players: values.players ? positive('players', values.players) : (DEFAULT_PLAYERS[scenario] ?? 0),
    background: positive('background', values.background),
    speakers: positive('speakers', values.speakers),
    connectRate: positive('connect-rate', values['connect-rate']),
    repeat: positive('repeat', values.repeat),
    processes,
  };
}
