import { describe, expect, it } from 'vitest';
import type { ActionRecord } from '../bench/lanes/players.ts';
import { PrefixCache } from '../bench/lanes/prefix-cache.ts';
import { compare, stepResult } from '../bench/lanes/report.ts';
import type { StepOptions, StepRaw } from '../bench/lanes/step.ts';
import { parseMetrics } from '../bench/lanes/step.ts';

const OPTIONS: StepOptions = {
  players: 10,
  mode: 'on',
  seconds: 10,
  thinkMs: 5_000,
  worldInstances: 2,
  npcInstances: 2,
  slots: 4,
  serverCapacity: 16,
  optimizations: 'all',
  seed: 's',
};

function raw(records: ActionRecord[], worldPromptTokens: number): StepRaw {
  const stats = (promptTokens: number) => ({
    requests: 2,
    completed: 2,
    aborted: 0,
    cutAtMaxTokens: 0,
    malformedRequests: 0,
    promptTokens,
    cachedPromptTokens: promptTokens / 2,
    completionTokens: 100,
    meanServiceMs: 1_000,
    peakActive: 1,
    bySchema: { world_outcome: { requests: 2, promptTokens, cachedPromptTokens: promptTokens / 2 } },
  });
  return {
    records,
    windowSeconds: 10,
    models: { world: { 'world-1': stats(worldPromptTokens) }, npc: {} },
    health: undefined,
    metrics: {},
    settings: {},
    setup: {
      healthy_ms: 0,
      register_s: 0,
      connect_s: 0,
      world_urls_setting: '',
      load_average_1m: 0,
      server_cpu_per_s: null,
      inference_optimizations: 'all',
    },
    unexpectedFrames: 0,
    eventLoopDelayMs: { p99: 0, max: 0 },
  };
}

const answer = (source: string, latencyMs = 1_000): ActionRecord => ({ type: 'look', source, latencyMs });

describe('the lanes bench report', () => {
  it('counts llm, cache and semantic_cache as model-written and compares on with off', () => {
    // Given a step with the optimizations on (3 model-written answers, 1 fresh) and one off (1 fresh)
    const on = stepResult(
      OPTIONS,
      raw([answer('llm'), answer('cache', 20), answer('semantic_cache', 30), answer('template')], 1_000),
    );
    const off = stepResult(
      { ...OPTIONS, mode: 'off' },
      raw([answer('llm', 4_000), answer('template'), answer('error:action_timeout', 5_000)], 2_000),
    );
    // When they are compared
    const comparison = compare(on, off);
    // Then the gain is model-written answers/s on ÷ off, and prompt tokens fell by half
    expect(on.model_answers_per_s).toBe(0.3);
    expect(comparison.model_answers_gain).toBe(3);
    expect(comparison.fresh_llm_per_s_on_vs_off).toEqual({ on: 0.1, off: 0.1, ratio: 1 });
    expect(comparison.prompt_tokens_reduction_pct.world).toBe(50);
    expect(comparison.target.met).toBe(true);
    expect(off.errors).toEqual({ action_timeout: 1 });
  });

  it('fails the target when fresh llm answers drop', () => {
    const on = stepResult(OPTIONS, raw([answer('cache'), answer('cache'), answer('cache')], 1_000));
    const off = stepResult({ ...OPTIONS, mode: 'off' }, raw([answer('llm')], 1_000));
    expect(compare(on, off).target).toMatchObject({ fresh_llm_per_s_not_lower: false, met: false });
  });

  it('counts a late outcome after an action_timeout under its own source', () => {
    const timedOut: ActionRecord = {
      type: 'talk',
      source: 'error:action_timeout',
      latencyMs: 5_000,
      late: { source: 'llm', latencyMs: 6_500 },
    };
    const result = stepResult(OPTIONS, raw([timedOut, answer('rules', 10)], 1_000));
    expect(result.outcome_sources).toEqual({ llm: 1, rules: 1 });
    expect(result.latency_ms.to_outcome.max).toBe(6_500);
    expect(result.model_answers_per_s).toBe(0);
  });
});

describe('the prefix cache of a simulated model server', () => {
  it('forgets the least recently used prefixes past its capacity', () => {
    // Given a cache of 2 prefixes holding A and then B
    const cache = new PrefixCache(2);
    const a = [{ role: 'system', content: 'card A' }];
    const b = [{ role: 'system', content: 'card B' }];
    cache.admit(a);
    cache.admit(b);
    // When A is used again, then C comes
    expect(cache.admit(a).cachedTokens).toBeGreaterThan(0);
    cache.admit([{ role: 'system', content: 'card C' }]);
    // Then B (least recently used) is forgotten, A is kept
    expect(cache.admit(a).cachedTokens).toBeGreaterThan(0);
    expect(cache.admit(b).cachedTokens).toBe(0);
  });
});

describe('the server metrics the lanes bench keeps', () => {
  it('keeps the speculation, cache and fallback counters by labels', () => {
    const text = [
      '# HELP langomni_speculations_total x',
      'langomni_speculations_total{outcome="used"} 3',
      'langomni_response_cache_requests_total{kind="action",outcome="hit"} 7',
      'langomni_ws_connections 12',
    ].join('\n');
    expect(parseMetrics(text)).toEqual({
      langomni_speculations_total: { '{outcome="used"}': 3 },
      langomni_response_cache_requests_total: { '{kind="action",outcome="hit"}': 7 },
    });
  });
});
