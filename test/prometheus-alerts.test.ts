import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EXTERNAL_METRICS,
  hasPromtool,
  langomniSeriesNames,
  metricNames,
  PROMTOOL_SKIPPED,
  promtool,
  ruleExpressions,
} from './support/promql.ts';

const dir = join(import.meta.dirname, '..', 'deploy', 'prometheus');
const rules = readFileSync(join(dir, 'alerts.yml'), 'utf8');
const unitTests = readFileSync(join(dir, 'alerts.test.yml'), 'utf8');
const alertNames = [...rules.matchAll(/^\s*- alert:\s*(\S+)/gm)].map((m) => m[1] ?? '');

/** For each alert of alerts.test.yml: whether some case expects it firing, and some quiet. */
function casesByAlert(): Map<string, { firing: boolean; quiet: boolean }> {
  const cases = new Map<string, { firing: boolean; quiet: boolean }>();
  for (const block of unitTests.split(/^\s*- eval_time:/m).slice(1)) {
    const name = /alertname:\s*(\S+)/.exec(block)?.[1];
    if (!name) continue;
    const seen = cases.get(name) ?? { firing: false, quiet: false };
    if (/exp_alerts:\s*\[\]/.test(block)) seen.quiet = true;
    else if (/exp_alerts:\s*\n\s*- exp_labels:/.test(block)) seen.firing = true;
    cases.set(name, seen);
  }
  return cases;
}

describe('the Prometheus alert rules (deploy/prometheus)', () => {
  it("has the seed's alerts", () => {
    expect(alertNames).toEqual([
      'ActionLatencyP95High',
      'ResponseCacheHitRateLow',
      'DatabasePoolExhausted',
      'WebSocketDisconnectsHigh',
      'GpuTemperatureHigh',
      'GpuTemperatureHighNvidia',
    ]);
  });

  it('unit-tests every alert both firing and quiet', () => {
    const cases = casesByAlert();
    for (const name of alertNames)
      expect({ name, ...cases.get(name) }).toEqual({ name, firing: true, quiet: true });
  });

  it('selects only metrics LangOmni or the GPU exporters export', async () => {
    const known = await langomniSeriesNames();
    const exprs = ruleExpressions(rules);
    expect(exprs).toHaveLength(alertNames.length);
    for (const expr of exprs) {
      const names = metricNames(expr);
      expect(names.length, expr).toBeGreaterThan(0);
      for (const name of names)
        expect(known.has(name) || EXTERNAL_METRICS.has(name), `${name} in ${expr}`).toBe(true);
    }
  });

  if (hasPromtool) {
    it('passes promtool check config (prometheus.yml and the rules it loads)', () => {
      const { status, output } = promtool(['check', 'config', 'prometheus.yml'], dir);
      expect(output).toContain('SUCCESS: 6 rules found');
      expect(status, output).toBe(0);
    });

    it('passes promtool test rules: each alert fires over its threshold and not under it', () => {
      const { status, output } = promtool(['test', 'rules', 'alerts.test.yml'], dir);
      expect(status, output).toBe(0);
      expect(output).toContain('SUCCESS');
    });
  } else {
    console.log(PROMTOOL_SKIPPED);
    it.skip(PROMTOOL_SKIPPED, () => {});
  }
});
