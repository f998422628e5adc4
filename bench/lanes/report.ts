import type { ActionRecord } from './players.ts';
import type { SimulatedModelStats } from './simulated-model-server.ts';
import type { Mode, StepOptions, StepRaw } from './step.ts';

/** The answers a model wrote: fresh, or reused from the exact or the semantic cache. */
const MODEL_WRITTEN = new Set(['llm', 'cache', 'semantic_cache']);
export const TARGET = { modelAnswersGainAtLeast: 2, modelWrittenP95MsAtMost: 5_000 } as const;

type Percentiles = { p50: number; p95: number; p99: number; max: number; count: number };

export interface StepResult {
  players: number;
  mode: Mode;
  inference_optimizations: string;
  actions: number;
  seconds: number;
  throughput_per_s: number;
  sources: Record<string, number>;
  source_shares_pct: Record<string, number>;
  latency_ms: {
    all: Percentiles;
    model_written: Percentiles;
    fresh_llm: Percentiles;
    to_outcome: Percentiles;
  };
  /** Latency of the first answer by its source (error:<code> included). */
  latency_ms_by_source: Record<string, Percentiles>;
  /** The source of every outcome that arrived, on time or late (after an action_timeout). */
  outcome_sources: Record<string, number>;
  model_answers_per_s: number;
  fresh_llm_per_s: number;
  errors: Record<string, number>;
  late_results_after_timeout: Record<string, number>;
  actions_by_type: Record<string, number>;
  prompt_tokens: Record<'world' | 'npc', LaneTokens>;
  /** cut_at_max_tokens: answers longer than their max_tokens, cut there (not valid JSON: a fallback). */
  completion_tokens: Record<
    'world' | 'npc',
    { total: number; mean_per_request: number; cut_at_max_tokens: number }
  >;
  model_servers: StepRaw['models'];
  lanes: unknown;
  metrics: StepRaw['metrics'];
  setup: StepRaw['setup'];
  unexpected_frames: number;
  bench_event_loop_delay_ms: StepRaw['eventLoopDelayMs'];
}

interface LaneTokens {
  requests: number;
  mean_per_request: number;
  cached_share_pct: number;
  /** Mean prompt tokens a request by schema (world_outcome, npc_reply, enemy_taunt, …). */
  mean_by_schema: Record<string, number>;
}

export function stepResult(options: StepOptions, raw: StepRaw): StepResult {
  const { records, windowSeconds } = raw;
  const count = (key: (r: ActionRecord) => string, of: ActionRecord[] = records) => {
    const counts: Record<string, number> = {};
    for (const r of of) counts[key(r)] = (counts[key(r)] ?? 0) + 1;
    return counts;
  };
  const sources = count((r) => r.source);
  const answered = records.filter((r) => !r.source.startsWith('error:') && r.source !== 'no_answer');
  const modelWritten = records.filter((r) => MODEL_WRITTEN.has(r.source));
  const fresh = records.filter((r) => r.source === 'llm');
  const onTime = new Set(answered);
  const late = records.flatMap((r) => (r.late ? [{ ...r.late, type: r.type }] : []));
  const outcomes = records.flatMap((r) =>
    r.late ? [{ ...r.late, type: r.type }] : onTime.has(r) ? [r] : [],
  );
  return {
    players: options.players,
    mode: options.mode,
    inference_optimizations: raw.setup.inference_optimizations,
    actions: records.length,
    seconds: round(windowSeconds, 1),
    throughput_per_s: round(answered.length / windowSeconds, 1),
    sources,
    source_shares_pct: Object.fromEntries(
      Object.entries(sources).map(([source, n]) => [
        source,
        round((n / Math.max(1, records.length)) * 100, 1),
      ]),
    ),
    latency_ms: {
      all: percentiles(records.filter((r) => r.source !== 'no_answer').map((r) => r.latencyMs)),
      model_written: percentiles(modelWritten.map((r) => r.latencyMs)),
      fresh_llm: percentiles(fresh.map((r) => r.latencyMs)),
      to_outcome: percentiles(outcomes.map((r) => r.latencyMs)),
    },
    latency_ms_by_source: Object.fromEntries(
      Object.keys(sources)
        .filter((source) => source !== 'no_answer')
        .map((source) => [
          source,
          percentiles(records.filter((r) => r.source === source).map((r) => r.latencyMs)),
        ]),
    ),
    outcome_sources: count((r) => r.source, outcomes),
    model_answers_per_s: round(modelWritten.length / windowSeconds, 2),
    fresh_llm_per_s: round(fresh.length / windowSeconds, 2),
    errors: count(
      (r) => r.source.replace(/^error:/, ''),
      records.filter((r) => r.source.startsWith('error:') || r.source === 'no_answer'),
    ),
    late_results_after_timeout: count((r) => r.source, late as ActionRecord[]),
    actions_by_type: count((r) => r.type),
    prompt_tokens: { world: laneTokens(raw.models.world), npc: laneTokens(raw.models.npc) },
    completion_tokens: { world: completion(raw.models.world), npc: completion(raw.models.npc) },
    model_servers: raw.models,
    lanes: raw.health,
    metrics: raw.metrics,
    setup: raw.setup,
    unexpected_frames: raw.unexpectedFrames,
    bench_event_loop_delay_ms: raw.eventLoopDelayMs,
  };
}

function laneTokens(instances: Record<string, SimulatedModelStats>): LaneTokens {
  const all = Object.values(instances);
  const requests = sum(all.map((s) => s.requests - s.malformedRequests));
  const prompt = sum(all.map((s) => s.promptTokens));
  const cached = sum(all.map((s) => s.cachedPromptTokens));
  const bySchema: Record<string, { requests: number; tokens: number }> = {};
  for (const stats of all)
    for (const [name, schema] of Object.entries(stats.bySchema)) {
      bySchema[name] ??= { requests: 0, tokens: 0 };
      bySchema[name].requests += schema.requests;
      bySchema[name].tokens += schema.promptTokens;
    }
  return {
    requests,
    mean_per_request: requests > 0 ? Math.round(prompt / requests) : 0,
    cached_share_pct: prompt > 0 ? round((cached / prompt) * 100, 1) : 0,
    mean_by_schema: Object.fromEntries(
      Object.entries(bySchema).map(([name, s]) => [name, Math.round(s.tokens / Math.max(1, s.requests))]),
    ),
  };
}

function completion(instances: Record<string, SimulatedModelStats>) {
  const all = Object.values(instances);
  const total = sum(all.map((s) => s.completionTokens));
  const completed = sum(all.map((s) => s.completed));
  return {
    total,
    mean_per_request: completed > 0 ? Math.round(total / completed) : 0,
    cut_at_max_tokens: sum(all.map((s) => s.cutAtMaxTokens)),
  };
}

export interface Comparison {
  players: number;
  /** Side by side: answers by source (counts), and P50/P95 of all first answers and of the model-written. */
  sources: { on: Record<string, number>; off: Record<string, number> };
  latency_ms: {
    all: { on: { p50: number; p95: number }; off: { p50: number; p95: number } };
    model_written: { on: { p50: number; p95: number }; off: { p50: number; p95: number } };
  };
  model_answers_per_s: { on: number; off: number };
  /** Answers a model wrote (fresh llm, exact or semantic cache) per second, on ÷ off. */
  model_answers_gain: number | null;
  fresh_llm_per_s_on_vs_off: { on: number; off: number; ratio: number | null };
  prompt_tokens_reduction_pct: Record<'world' | 'npc', number | null>;
  target: {
    model_answers_gain_at_least: number;
    fresh_llm_per_s_not_lower: boolean;
    model_written_p95_ms_at_most: number;
    model_written_p95_ms_on: number;
    met: boolean;
  };
}

export function compare(on: StepResult, off: StepResult): Comparison {
  const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);
  const reduction = (lane: 'world' | 'npc') => {
    const [a, b] = [on.prompt_tokens[lane].mean_per_request, off.prompt_tokens[lane].mean_per_request];
    return b > 0 && a > 0 ? round((1 - a / b) * 100, 1) : null;
  };
  const gain = ratio(on.model_answers_per_s, off.model_answers_per_s);
  const freshNotLower = on.fresh_llm_per_s >= off.fresh_llm_per_s;
  const p95 = on.latency_ms.model_written.p95;
  const p50p95 = ({ p50, p95 }: Percentiles) => ({ p50, p95 });
  return {
    players: on.players,
    sources: { on: on.sources, off: off.sources },
    latency_ms: {
      all: { on: p50p95(on.latency_ms.all), off: p50p95(off.latency_ms.all) },
      model_written: { on: p50p95(on.latency_ms.model_written), off: p50p95(off.latency_ms.model_written) },
    },
    model_answers_per_s: { on: on.model_answers_per_s, off: off.model_answers_per_s },
    model_answers_gain: gain,
    fresh_llm_per_s_on_vs_off: {
      on: on.fresh_llm_per_s,
      off: off.fresh_llm_per_s,
      ratio: ratio(on.fresh_llm_per_s, off.fresh_llm_per_s),
    },
    prompt_tokens_reduction_pct: { world: reduction('world'), npc: reduction('npc') },
    target: {
      model_answers_gain_at_least: TARGET.modelAnswersGainAtLeast,
      fresh_llm_per_s_not_lower: freshNotLower,
      model_written_p95_ms_at_most: TARGET.modelWrittenP95MsAtMost,
      model_written_p95_ms_on: p95,
      met:
        gain !== null &&
        gain >= TARGET.modelAnswersGainAtLeast &&
        freshNotLower &&
        on.latency_ms.model_written.count > 0 &&
        p95 <= TARGET.modelWrittenP95MsAtMost,
    },
  };
}

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0, count: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return {
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1)!),
    count: sorted.length,
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
