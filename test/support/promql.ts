import { spawnSync } from 'node:child_process';
import { createMetrics } from '../../src/infrastructure/metrics.ts';

/** `promtool` (Debian's `prometheus` package) when it is on PATH. */
export const hasPromtool = !spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error;
export const PROMTOOL_SKIPPED = 'skipped: no promtool (apt-get install prometheus)';

/** Runs promtool; resolves to its exit status and everything it printed. */
export function promtool(args: string[], cwd?: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/**
 * Metrics the stack scrapes from others: Prometheus's own `up`, the AMD Device Metrics Exporter
 * (ROCm/device-metrics-exporter, docs/configuration/metricslist.md, names in lower case without a
 * prefix) and NVIDIA's DCGM exporter (its default counters).
 */
export const EXTERNAL_METRICS: ReadonlySet<string> = new Set([
  'up',
  'gpu_edge_temperature',
  'gpu_junction_temperature',
  'gpu_gfx_activity',
  'gpu_used_vram',
  'gpu_total_vram',
  'gpu_power_usage',
  'DCGM_FI_DEV_GPU_TEMP',
  'DCGM_FI_DEV_GPU_UTIL',
  'DCGM_FI_DEV_FB_USED',
  'DCGM_FI_DEV_FB_FREE',
  'DCGM_FI_DEV_POWER_USAGE',
]);

/** Every series name LangOmni's /metrics can show: histograms as their _bucket, _sum and _count. */
export async function langomniSeriesNames(): Promise<Set<string>> {
  const metrics = createMetrics();
  const names = new Set<string>();
  for (const { name, type } of await metrics.registry.getMetricsAsJSON()) {
    // MetricType is a type-only enum of the string values.
    const kind = String(type);
    if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
    else if (kind === 'summary') for (const suffix of ['', '_sum', '_count']) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}

const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects. Strings, label matchers, ranges and grouping label
 * lists are removed first; what is left that is neither a function or aggregation (followed by
 * `(`) nor a keyword names a metric.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.$])[a-zA-Z_:][\w:]*(?!\s*\()/g)) {
    const word = match[0];
    // A word cut short by the lookahead (e.g. "su" of "sum (") is not a name.
    const next = bare[(match.index ?? 0) + word.length];
    if (next && /[\w:]/.test(next)) continue;
    if (!PROMQL_KEYWORDS.has(word.toLowerCase())) names.add(word);
  }
  return [...names];
}
