import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { SourceAddresses } from './accounts.ts';
import { OutcomeCounter } from './exactly-once.ts';
import { type StepsFigures, stepsScenario } from './load-scenarios.ts';
import type { LoadStepResult, RunContext } from './load-step.ts';
import type { Watched } from './resources.ts';
import { type Backing, Cleanup, note } from './server.ts';
import { ServerGroup } from './server-group.ts';
import { round } from './stats.ts';
import type { WorkerPool } from './workers.ts';

export interface ScalingSettings {
  /** Process counts, one run of all the steps each (e.g. [1, 2, 3]). */
  processes: readonly number[];
  rates: readonly number[];
  seconds: number;
  warmupSeconds: number;
  overload: boolean;
}

export interface ScalingShared {
  backing: Backing;
  cleanup: Cleanup;
  pool: WorkerPool;
  addresses: SourceAddresses;
  /** Everything watched besides the servers: client workers, PostgreSQL, Redis. */
  watched: readonly Watched[];
}

interface Run extends StepsFigures {
  processes: number;
  server_spawn_to_healthy_ms: number | number[];
  settings: Record<string, unknown>;
}

export function sharedCoresNote(cores: number): string {
  return (
    `this machine has ${cores} cores: the N server processes compete with each other, with PostgreSQL, ` +
    `Redis and the client workers for the same ${cores} cores, so going from 1 to N processes here shows ` +
    'the overhead and coordination cost of several processes, not the gain of N processes on N machines'
  );
}

/**
 * The steps scenario once per process count, each on a fresh deployment (schema, Redis prefix, servers)
 * torn down before the next, so an earlier run leaves nothing behind for a later one.
 */
export async function scalingRuns(settings: ScalingSettings, shared: ScalingShared) {
  const runs: Run[] = [];
  for (const count of settings.processes) {
    const perRun = new Cleanup();
    shared.cleanup.add(`the ${count}-process deployment`, () => perRun.run());
    note(`--- ${count} server process${count === 1 ? '' : 'es'} ---`);
    const group = await ServerGroup.start(count, shared.backing, perRun);
    const context: RunContext = {
      server: group.first,
      group,
      outcomes: new OutcomeCounter(shared.backing.databaseUrl, group.schema),
      pool: shared.pool,
      databaseUrl: shared.backing.databaseUrl,
      addresses: shared.addresses,
      runTag: `b${randomBytes(3).toString('hex')}p${count}`,
      watched: [...group.watched(), ...shared.watched],
      warmupSeconds: settings.warmupSeconds,
      nextUsername: 0,
    };
    const figures = await stepsScenario(context, settings.rates, settings.seconds, settings.overload);
    group.assertRunning();
    runs.push({
      processes: count,
      server_spawn_to_healthy_ms: count === 1 ? group.healthyMs[0]! : [...group.healthyMs],
      settings: group.settings(),
      ...figures,
    });
    await perRun.run();
  }
  const scaling = scalingSummary(runs);
  if (runs.length === 1) {
    const { processes, ...run } = runs[0]!;
    return { processes, cores: os.availableParallelism(), ...run, scaling };
  }
  return {
    processes: settings.processes,
    cores: os.availableParallelism(),
    settings: runs[0]!.settings,
    runs: runs.map(({ settings: _settings, ...run }) => run),
    scaling,
  };
}

function scalingSummary(runs: readonly Run[]) {
  const cores = os.availableParallelism();
  const baseline = runs[0]!;
  return {
    cores,
    note: sharedCoresNote(cores),
    capacity_rule: baseline.capacity_rule,
    by_processes: runs.map((run) => ({
      processes: run.processes,
      capacity_per_s: run.capacity_per_s,
      steps: run.steps.map((step) => summariseStep(step, baseline, run.processes)),
    })),
  };
}

function summariseStep(step: LoadStepResult, baseline: Run, processes: number) {
  const server = step.resources['server'];
  const same = baseline.steps.find((s) => s.target_rate_per_s === step.target_rate_per_s);
  const once = step.exactly_once;
  return {
    offered_rate_per_s: step.target_rate_per_s,
    answered_per_s: step.answered_per_s,
    ...(same && baseline.processes !== processes && same.answered_per_s > 0
      ? {
          answered_vs_first_count: round(step.answered_per_s / same.answered_per_s, 3),
        }
      : {}),
    p50_ms: step.p50_ms,
    p95_ms: step.p95_ms,
    p99_ms: step.p99_ms,
    server_busy: step.errors['server_busy'] ?? 0,
    other_errors:
      Object.values(step.errors).reduce((sum, n) => sum + n, 0) - (step.errors['server_busy'] ?? 0),
    // All server processes together: what each answered action cost in CPU.
    server_cpu_percent_of_one_core: server?.cpu_percent_of_one_core ?? null,
    server_cpu_ms_per_answered_action:
      server && step.results > 0 ? round((server.cpu_s * 1000) / step.results, 3) : null,
    server_rss_peak_mib: server?.rss_peak_mib ?? null,
    machine_load_average_1m: step.machine_load_average_1m,
    ...(once
      ? {
          duplicate_outcomes: once.duplicate_outcomes,
          missing_outcomes: once.missing_outcomes,
          resolved_per_requested: once.resolved_per_requested,
        }
      : {}),
  };
}
