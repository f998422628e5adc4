import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { composeServices, environmentOf, mountAt, networksOf } from './support/compose-services.ts';
import {
  EXTERNAL_METRICS,
  hasPromtool,
  langomniSeriesNames,
  metricNames,
  PROMTOOL_SKIPPED,
  promtool,
} from './support/promql.ts';

const dir = join(import.meta.dirname, '..', 'deploy', 'prometheus');
const read = <T>(file: string) => parse(readFileSync(join(dir, file), 'utf8')) as T;
const rules = read<{ groups: { rules: { alert: string; expr: string }[] }[] }>('alerts.yml').groups.flatMap(
  (g) => g.rules,
);
const unitTests = read<{ tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[] }>(
  'alerts.test.yml',
).tests.flatMap((t) => t.alert_rule_test ?? []);
const config = read<{
  rule_files: string[];
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
}>('prometheus.yml');

describe('the Prometheus alert rules (deploy/prometheus)', () => {
  it("has the seed's alerts", () => {
    expect(rules.map((r) => r.alert)).toEqual([
      'ActionLatencyP95High',
      'ResponseCacheHitRateLow',
      'DatabasePoolExhausted',
      'WebSocketDisconnectsHigh',
      'GpuTemperatureHigh',
      'GpuTemperatureHighNvidia',
    ]);
    expect(config.rule_files).toEqual(['alerts.yml']);
  });

  it('unit-tests every alert both firing and quiet', () => {
    for (const { alert } of rules) {
      const cases = unitTests.filter((t) => t.alertname === alert);
      expect(
        cases.some((t) => (t.exp_alerts ?? []).length > 0),
        `${alert} firing`,
      ).toBe(true);
      expect(
        cases.some((t) => (t.exp_alerts ?? []).length === 0),
        `${alert} quiet`,
      ).toBe(true);
    }
  });

  it('selects only metrics LangOmni or the GPU exporters export', async () => {
    const known = await langomniSeriesNames();
    for (const { alert, expr } of rules) {
      const names = metricNames(expr);
      expect(names.length, alert).toBeGreaterThan(0);
      for (const name of names)
        expect(known.has(name) || EXTERNAL_METRICS.has(name), `${alert}: ${name}`).toBe(true);
    }
  });

  it("scrapes docker-compose.yml's services, the game's on their METRICS_PORT", () => {
    const services = composeServices();
    const prometheus = services['prometheus'];
    expect(prometheus && mountAt(prometheus, '/etc/prometheus')).toBe('deploy/prometheus');
    const prometheusNetworks = networksOf(prometheus ?? {});
    for (const job of config.scrape_configs) {
      for (const target of job.static_configs?.flatMap((c) => c.targets) ?? []) {
        const [host = '', port] = target.split(':');
        if (host === 'localhost') continue;
        const service = services[host];
        expect(service, `${job.job_name}: ${target}`).toBeDefined();
        expect(
          networksOf(service ?? {}).some((n) => prometheusNetworks.includes(n)),
          target,
        ).toBe(true);
        if (job.job_name.startsWith('langomni-')) {
          expect(environmentOf(service ?? {}, 'METRICS_PORT'), target).toBe(port);
          expect(environmentOf(service ?? {}, 'METRICS_HOST'), target).toBe('0.0.0.0');
        }
      }
    }
    const gameServices = Object.keys(services).filter((name) => /^game-\d+$/.test(name));
    const scraped = config.scrape_configs.find((j) => j.job_name === 'langomni-game')?.static_configs?.[0]
      ?.targets;
    expect(scraped?.map((t) => t.split(':')[0]).sort()).toEqual(gameServices.sort());
  });

  if (hasPromtool) {
    it('passes promtool check config (prometheus.yml and the rules it loads)', () => {
      const { status, output } = promtool(['check', 'config', 'prometheus.yml'], dir);
      expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
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
