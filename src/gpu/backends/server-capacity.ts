import { z } from 'zod';
import { fetchText, preview, withDeadline } from './backend-support.ts';

/** What an inference server says about its batch: how many requests it runs at once, and how full it is. */
export interface ServerCapacity {
  /** Requests the server runs in one batch at most (SGLang's `max_running_requests`). */
  maxRunning?: number;
  /** Requests in the running batch now (every client's, not only ours). */
  running?: number;
  /** Requests the server has accepted but not started: it is full. */
  waiting?: number;
  /** How full the KV cache is, 0..1. */
  kvCacheUsage?: number;
}

export interface CapacityProbeOptions {
  /** The server's root, without `/v1`. */
  baseUrl: string;
  /** The served model: vLLM labels its gauges with it (`model_name`). */
  model: string;
  headers: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Why nothing was read (no such endpoint, a malformed answer), at debug level. */
  debug?: (detail: Record<string, unknown>, message: string) => void;
}

/**
 * Asks the server what it can batch: SGLang's `GET /get_server_info` first, then vLLM's Prometheus
 * `GET /metrics`. Undefined when neither answers something usable (Ollama, llama.cpp server, LM Studio).
 * Never throws: a malformed answer, a timeout or a refused connection only mean "unknown".
 */
export async function probeServerCapacity(
  options: CapacityProbeOptions,
): Promise<ServerCapacity | undefined> {
  const sglang = await readEndpoint(options, '/get_server_info', (text) =>
    capacityFromSglangServerInfo(JSON.parse(text)),
  );
  if (sglang) return sglang;
  return readEndpoint(options, '/metrics', (text) => capacityFromVllmMetrics(text, options.model));
}

async function readEndpoint(
  options: CapacityProbeOptions,
  path: string,
  parse: (text: string) => ServerCapacity | undefined,
): Promise<ServerCapacity | undefined> {
  const url = `${options.baseUrl}${path}`;
  let text: string;
  try {
    ({ text } = await withDeadline(options.timeoutMs, options.signal, (signal) =>
      fetchText(url, { headers: { ...options.headers, accept: '*/*' }, signal }),
    ));
  } catch (error) {
    options.debug?.({ url, err: error }, 'the server does not report its capacity here');
    return undefined;
  }
  try {
    const capacity = parse(text);
    if (!capacity) options.debug?.({ url, answer: preview(text, 200) }, 'no capacity in the answer');
    return capacity;
  } catch (error) {
    options.debug?.({ url, err: error, answer: preview(text, 200) }, 'malformed capacity answer');
    return undefined;
  }
}

const count = z.number().int().nonnegative();

/**
 * SGLang's `/get_server_info` (python/sglang/srt/entrypoints/http_server.py, shown in
 * https://docs.sglang.io/basic_usage/native_api.html): the server arguments (`max_running_requests`,
 * null unless set at launch), the scheduler's info, and `internal_states`, one per data-parallel rank,
 * whose `effective_max_running_requests_per_dp` is the cap the scheduler actually applies. Older
 * versions also carried `running_queue_size` and `waiting_queue_size`.
 */
const sglangServerInfo = z.object({
  max_running_requests: count.nullish(),
  running_queue_size: count.nullish(),
  waiting_queue_size: count.nullish(),
  internal_states: z.array(z.object({ effective_max_running_requests_per_dp: count.nullish() })).nullish(),
});

export function capacityFromSglangServerInfo(json: unknown): ServerCapacity | undefined {
  const info = sglangServerInfo.parse(json);
  const perRank = (info.internal_states ?? [])
    .map((state) => state.effective_max_running_requests_per_dp)
    .filter((n): n is number => typeof n === 'number' && n > 0);
  const maxRunning =
    perRank.length > 0
      ? perRank.reduce((sum, n) => sum + n, 0)
      : info.max_running_requests && info.max_running_requests > 0
        ? info.max_running_requests
        : undefined;
  return compact({
    maxRunning,
    running: info.running_queue_size ?? undefined,
    waiting: info.waiting_queue_size ?? undefined,
  });
}

/**
 * vLLM's gauges (https://docs.vllm.ai/en/stable/usage/metrics/): `vllm:num_requests_running`,
 * `vllm:num_requests_waiting`, and the KV cache's fill, `vllm:kv_cache_usage_perc` (V1 engine) or
 * `vllm:gpu_cache_usage_perc` (before it; "1 means 100 percent usage"). Each sample is labelled
 * `model_name="…"` (and `engine="…"` with several engines): only our model's count, summed over engines;
 * the fullest engine's KV cache is the one that matters.
 */
export function capacityFromVllmMetrics(text: string, model: string): ServerCapacity | undefined {
  let running: number | undefined;
  let waiting: number | undefined;
  let kvCacheUsage: number | undefined;
  let legacyKvCacheUsage: number | undefined;
  for (const sample of prometheusSamples(text)) {
    const labelledModel = sample.labels['model_name'];
    if (labelledModel !== undefined && labelledModel !== model) continue;
    const value = sample.value;
    if (sample.name === 'vllm:num_requests_running') running = (running ?? 0) + value;
    else if (sample.name === 'vllm:num_requests_waiting') waiting = (waiting ?? 0) + value;
    else if (sample.name === 'vllm:kv_cache_usage_perc') kvCacheUsage = Math.max(kvCacheUsage ?? 0, value);
    else if (sample.name === 'vllm:gpu_cache_usage_perc')
      legacyKvCacheUsage = Math.max(legacyKvCacheUsage ?? 0, value);
  }
  const usage = kvCacheUsage ?? legacyKvCacheUsage;
  return compact({
    running: running === undefined ? undefined : Math.round(running),
    waiting: waiting === undefined ? undefined : Math.round(waiting),
    kvCacheUsage: usage === undefined ? undefined : Math.min(1, Math.max(0, usage)),
  });
}

interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format, the lines this needs: `name{label="value",…} number [timestamp]`; comments skipped. */
const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function* prometheusSamples(text: string): Generator<PrometheusSample> {
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value) || value < 0) continue;
    const labels: Record<string, string> = {};
    for (const [, key, quoted] of (match[2] ?? '').matchAll(LABEL))
      labels[key!] = quoted!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    yield { name: match[1]!, labels, value };
  }
}

/** Drops absent fields; nothing left means the server told us nothing. */
function compact(capacity: ServerCapacity): ServerCapacity | undefined {
  const known = Object.fromEntries(
    Object.entries(capacity).filter(([, value]) => value !== undefined),
  ) as ServerCapacity;
  return Object.keys(known).length > 0 ? known : undefined;
}
