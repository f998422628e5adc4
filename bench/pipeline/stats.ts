import type { PlayReport } from './ipc.ts';

export interface Percentiles {
  count: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0, p50_ms: null, p95_ms: null, p99_ms: null, max_ms: null };
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return {
    count: sorted.length,
    p50_ms: at(0.5),
    p95_ms: at(0.95),
    p99_ms: at(0.99),
    max_ms: round(sorted.at(-1)!),
  };
}

/** Every measured action of a step, from all workers, in one place. */
export class Samples {
  readonly scheduledMs: number[] = [];
  readonly latencyMs: number[] = [];
  readonly outcome: string[] = [];
  readonly actionType: string[] = [];
  readonly sendLagMs: number[] = [];
  readonly framesByType: Record<string, number> = {};
  unmatchedAnswers = 0;
  socketsClosed = 0;

  constructor(reports: readonly PlayReport[]) {
    for (const report of reports) {
      append(this.scheduledMs, report.scheduledMs);
      append(this.latencyMs, report.latencyMs);
      append(this.outcome, report.outcome);
      append(this.actionType, report.actionType);
      append(this.sendLagMs, report.sendLagMs);
      for (const [type, n] of Object.entries(report.framesByType))
        this.framesByType[type] = (this.framesByType[type] ?? 0) + n;
      this.unmatchedAnswers += report.unmatchedAnswers;
      this.socketsClosed += report.socketsClosedDuringStep;
    }
  }

  /** Latencies of answered actions, optionally only those matching `keep` (by index). */
  latencies(keep: (i: number) => boolean = () => true): number[] {
    const chosen: number[] = [];
    for (let i = 0; i < this.latencyMs.length; i++) {
      const latency = this.latencyMs[i]!;
      if (!Number.isNaN(latency) && keep(i)) chosen.push(latency);
    }
    return chosen;
  }

  countOutcomes(keep: (i: number) => boolean = () => true): Record<string, number> {
    const counts: Record<string, number> = {};
    for (let i = 0; i < this.outcome.length; i++)
      if (keep(i)) counts[this.outcome[i]!] = (counts[this.outcome[i]!] ?? 0) + 1;
    return counts;
  }
}

/** push(...source) overflows the stack for large arrays. */
function append<T>(target: T[], source: readonly T[]): void {
  for (const item of source) target.push(item);
}

export interface StepFigures {
  /** Actions actually sent (or due to be sent on a closed socket) per second of the measured window. */
  offered_per_s: number;
  answered_per_s: number;
  actions: number;
  results: number;
  errors: Record<string, number>;
  latency_all_answers: Percentiles;
  latency_action_results: Percentiles;
  latency_by_error_code: Record<string, Percentiles>;
  latency_by_action_type: Record<string, Percentiles>;
  client_send_lag: Percentiles;
  frames_by_type: Record<string, number>;
  unmatched_answers: number;
  sockets_closed_during_step: number;
}

export function stepFigures(samples: Samples, seconds: number, keep: (i: number) => boolean = () => true) {
  const outcomes = samples.countOutcomes(keep);
  const results = outcomes['result'] ?? 0;
  const errors = Object.fromEntries(Object.entries(outcomes).filter(([code]) => code !== 'result'));
  const sent = samples.outcome.filter((o, i) => keep(i) && o !== 'connection_closed').length;
  const byCode: Record<string, Percentiles> = {};
  for (const code of Object.keys(errors))
    byCode[code] = percentiles(samples.latencies((i) => keep(i) && samples.outcome[i] === code));
  const byType: Record<string, Percentiles> = {};
  for (const type of new Set(samples.actionType))
    byType[type] = percentiles(samples.latencies((i) => keep(i) && samples.actionType[i] === type));
  const figures: StepFigures = {
    offered_per_s: round(sent / seconds, 1),
    answered_per_s: round(results / seconds, 1),
    actions: samples.outcome.filter((_, i) => keep(i)).length,
    results,
    errors,
    latency_all_answers: percentiles(samples.latencies(keep)),
    latency_action_results: percentiles(samples.latencies((i) => keep(i) && samples.outcome[i] === 'result')),
    latency_by_error_code: byCode,
    latency_by_action_type: byType,
    client_send_lag: percentiles(samples.sendLagMs),
    frames_by_type: samples.framesByType,
    unmatched_answers: samples.unmatchedAnswers,
    sockets_closed_during_step: samples.socketsClosed,
  };
  return figures;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
