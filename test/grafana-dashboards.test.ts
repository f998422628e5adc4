import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeServices, mountAt } from './support/compose-services.ts';
import {
  EXTERNAL_METRICS,
  hasPromtool,
  langomniSeriesNames,
  metricNames,
  PROMTOOL_SKIPPED,
  promtool,
} from './support/promql.ts';

const grafana = join(import.meta.dirname, '..', 'deploy', 'grafana');
const dashboardDir = join(grafana, 'dashboards');
const datasources = readFileSync(join(grafana, 'provisioning', 'datasources', 'prometheus.yml'), 'utf8');
const provider = readFileSync(join(grafana, 'provisioning', 'dashboards', 'langomni.yml'), 'utf8');

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid?: string;
  title?: string;
  panels?: Panel[];
}

const files = readdirSync(dashboardDir).filter((f) => f.endsWith('.json'));
const dashboards = files.map((file) => ({
  file,
  json: JSON.parse(readFileSync(join(dashboardDir, file), 'utf8')) as Dashboard,
}));
const panelsOf = (d: Dashboard): Panel[] => (d.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);
const queries = dashboards.flatMap(({ file, json }) =>
  panelsOf(json).flatMap((panel) => (panel.targets ?? []).map((target) => ({ file, panel, target }))),
);
// Grafana fills these in before a query reaches Prometheus.
const asPrometheusSees = (expr: string) => expr.replace(/\$__(?:rate_interval|interval|range)\b/g, '5m');

describe('the Grafana dashboards (deploy/grafana)', () => {
  it("provisions the seed's four dashboards from the folder the provider reads", () => {
    expect(dashboards.map((d) => d.json.title).sort()).toEqual([
      'LangOmni · LLM lanes',
      'LangOmni · Performance',
      'LangOmni · Player analytics',
      'LangOmni · System health',
    ]);
    const uids = dashboards.map((d) => d.json.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it("is mounted by docker-compose.yml's grafana where its provisioning reads, with the prometheus service as datasource", () => {
    const services = composeServices();
    const grafanaService = services['grafana'] ?? {};
    expect(mountAt(grafanaService, '/etc/grafana/provisioning')).toBe('deploy/grafana/provisioning');
    const dashboardsPath = /^\s*path:\s*(\S+)/m.exec(provider)?.[1] ?? '';
    expect(mountAt(grafanaService, dashboardsPath)).toBe('deploy/grafana/dashboards');
    const url = new URL(/^\s*url:\s*(\S+)/m.exec(datasources)?.[1] ?? '');
    expect(services[url.hostname]).toBeDefined();
    expect(url.port).toBe('9090');
  });

  it('gives every panel a unique id, and every query the provisioned Prometheus datasource', () => {
    const datasourceUid = /^\s*uid:\s*(\S+)/m.exec(datasources)?.[1];
    expect(datasourceUid).toBeDefined();
    for (const { file, json } of dashboards) {
      const ids = panelsOf(json).map((p) => p.id);
      expect(new Set(ids).size, file).toBe(ids.length);
      for (const panel of panelsOf(json).filter((p) => p.type !== 'row' && p.type !== 'text')) {
        expect(panel.targets?.length, `${file}: ${panel.title}`).toBeGreaterThan(0);
        expect(panel.datasource?.uid, `${file}: ${panel.title}`).toBe(datasourceUid);
      }
    }
    for (const { file, panel, target } of queries) {
      expect(target.datasource?.uid, `${file}: ${panel.title}`).toBe(datasourceUid);
      expect(target.expr, `${file}: ${panel.title}`).toBeTruthy();
    }
  });

  it('queries only metrics LangOmni or the GPU exporters export', async () => {
    const known = await langomniSeriesNames();
    for (const { file, panel, target } of queries) {
      const names = metricNames(target.expr ?? '');
      expect(names.length, `${file}: ${panel.title}: ${target.expr}`).toBeGreaterThan(0);
      for (const name of names) {
        expect(known.has(name) || EXTERNAL_METRICS.has(name), `${file}: ${panel.title}: ${name}`).toBe(true);
      }
    }
  });

  if (hasPromtool) {
    it('has only queries Prometheus parses (promtool check rules)', () => {
      const dir = mkdtempSync(join(tmpdir(), 'dashboards-'));
      try {
        const rules = queries
          .map(
            ({ target }, i) =>
              `      - record: dashboard_query_${i}\n        expr: ${JSON.stringify(asPrometheusSees(target.expr ?? ''))}`,
          )
          .join('\n');
        writeFileSync(join(dir, 'queries.yml'), `groups:\n  - name: dashboards\n    rules:\n${rules}\n`);
        const { status, output } = promtool(['check', 'rules', 'queries.yml'], dir);
        expect(status, output).toBe(0);
        expect(output).toContain(`SUCCESS: ${queries.length} rules found`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  } else {
    console.log(PROMTOOL_SKIPPED);
    it.skip(PROMTOOL_SKIPPED, () => {});
  }
});
