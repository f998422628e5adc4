import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { wallNow } from './ipc.ts';
import {
  type LoadStepResult,
  meetsTarget,
  printable,
  type RunContext,
  runLoadStep,
  type StepWindow,
} from './load-step.ts';
import { note, otherDatabaseUrl } from './server.ts';
import { percentiles, round, type Samples } from './stats.ts';

export interface StepsFigures {
  steps: LoadStepResult[];
  capacity_per_s: number | null;
  capacity_rule: string;
  overload: Record<string, unknown> | null;
}

/** The offered rates one after another, then the capacity and an overload step at twice it. */
export async function stepsScenario(
  context: RunContext,
  rates: readonly number[],
  seconds: number,
  overload: boolean,
): Promise<StepsFigures> {
  const steps: LoadStepResult[] = [];
  for (const rate of rates)
    steps.push(printable(await runLoadStep(context, `step ${rate}/s`, rate, seconds)));
  const passing = steps.filter(meetsTarget).map((s) => s.target_rate_per_s);
  const capacity = passing.length > 0 ? Math.max(...passing) : null;
  note(`capacity: ${capacity ?? 'none of the steps'} (P99 < 250 ms, no action_timeout/no_answer)`);
  let overloadFigures: Record<string, unknown> | null = null;
  if (!overload) overloadFigures = { skipped: '--no-overload' };
  else if (capacity === null)
    overloadFigures = { skipped: 'no step met the target, so there is no capacity to double' };
  else {
    const step = printable(await runLoadStep(context, 'overload', capacity * 2, seconds));
    overloadFigures = {
      target_rate_per_s: capacity * 2,
      offered_per_s: step.offered_per_s,
      answered_per_s: step.answered_per_s,
      action_results: step.latency_action_results,
      server_busy_refusals: step.latency_by_error_code['server_busy'] ?? { count: 0 },
      errors: step.errors,
      step,
    };
  }
  return {
    steps,
    capacity_per_s: capacity,
    capacity_rule: 'the highest offered rate whose step had P99 < 250 ms and no action_timeout or no_answer',
    overload: overloadFigures,
  };
}

const TRANSACTION_SECONDS = 10;

/**
 * A load step with a transaction held open for 10 s in ANOTHER database of the same PostgreSQL server
 * in the middle of the measured window (it holds back the server-wide xmin horizon).
 */
export async function openTransactionScenario(
  context: RunContext,
  databaseUrl: string,
  rate: number,
  seconds: number,
): Promise<Record<string, unknown>> {
  const otherDatabase = otherDatabaseUrl(databaseUrl, 'postgres');
  const during = async (window: StepWindow) => {
    const middle = (window.measureStartsAt + window.measureEndsAt) / 2;
    const opensAt = Math.max(window.measureStartsAt, middle - (TRANSACTION_SECONDS * 1000) / 2);
    const client = new pg.Client({ connectionString: otherDatabase, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await sleep(Math.max(0, opensAt - wallNow()));
      const opened = wallNow();
      await client.query('begin');
      const { rows } = await client.query<{ txid: string }>('select txid_current() as txid');
      note(`transaction ${rows[0]?.txid} open in database "postgres" for ${TRANSACTION_SECONDS} s`);
      await client.query(`select pg_sleep(${TRANSACTION_SECONDS})`);
      await client.query('commit');
      const committed = wallNow();
      return {
        txid: rows[0]?.txid,
        opened_s_into_window: round((opened - window.measureStartsAt) / 1000, 2),
        committed_s_into_window: round((committed - window.measureStartsAt) / 1000, 2),
      };
    } finally {
      await client.end();
    }
  };
  const step = await runLoadStep(context, `open-transaction ${rate}/s`, rate, seconds, during);
  const extra = step.extra as { opened_s_into_window: number; committed_s_into_window: number };
  const from = extra.opened_s_into_window * 1000;
  const to = extra.committed_s_into_window * 1000;
  const slice = (samples: Samples, keep: (scheduledMs: number) => boolean) => {
    const chosen = (i: number) => keep(samples.scheduledMs[i]!);
    return { latency: percentiles(samples.latencies(chosen)), outcomes: samples.countOutcomes(chosen) };
  };
  return {
    transaction: { database: 'postgres', seconds: TRANSACTION_SECONDS, ...extra },
    step_p99_ms: step.p99_ms,
    window_p99_ms: slice(step.samples, (t) => t >= from && t < to).latency.p99_ms,
    before_window: slice(step.samples, (t) => t < from),
    during_window: slice(step.samples, (t) => t >= from && t < to),
    after_window: slice(step.samples, (t) => t >= to),
    step: printable(step),
  };
}
