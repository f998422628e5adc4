import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An answer the fake gives on one path; paths it was not told about get 404, like Ollama or llama.cpp. */
export interface CannedAnswer {
  status?: number;
  contentType?: string;
  body: string;
}

/**
 * An HTTP server answering GET paths with canned bodies, to test how capacity is read from servers that
 * answer like SGLang (`/get_server_info`) or vLLM (`/metrics`). Answers can be swapped between polls.
 */
export class CapacityServer {
  readonly paths: string[] = [];
  private readonly answers = new Map<string, CannedAnswer>();
  private readonly server = createServer((req, res) => {
    const path = req.url ?? '/';
    this.paths.push(path);
    const answer = this.answers.get(path);
    res.writeHead(answer?.status ?? (answer ? 200 : 404), {
      'content-type': answer?.contentType ?? 'application/json',
    });
    res.end(answer?.body ?? '{"detail":"Not Found"}');
  });

  static async start(answers: Record<string, CannedAnswer> = {}): Promise<CapacityServer> {
    const fake = new CapacityServer();
    for (const [path, answer] of Object.entries(answers)) fake.answer(path, answer);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  answer(path: string, answer: CannedAnswer): this {
    this.answers.set(path, answer);
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Trimmed from the `/get_server_info` output printed in SGLang's docs
 * (https://docs.sglang.io/basic_usage/native_api.html): server arguments, then one internal state per
 * data-parallel rank.
 */
export function sglangServerInfo(options: { maxRunning: number | null; perRank?: number[] }): string {
  return JSON.stringify({
    model_path: 'qwen/qwen2.5-0.5b-instruct',
    served_model_name: 'qwen/qwen2.5-0.5b-instruct',
    mem_fraction_static: 0.907,
    max_running_requests: options.maxRunning,
    max_queued_requests: null,
    max_total_tokens: 20480,
    chunked_prefill_size: 8192,
    schedule_policy: 'fcfs',
    dp_size: options.perRank?.length ?? 1,
    max_total_num_tokens: 20480,
    max_req_input_len: 32762,
    internal_states: (options.perRank ?? []).map((n) => ({
      last_gen_throughput: 129.33290871063787,
      memory_usage: { weight: 0.98, kvcache: 0.23, token_capacity: 20480, graph: 0 },
      effective_max_running_requests_per_dp: n,
    })),
    version: '0.0.0.dev1+gf97c09dac',
  });
}

/** `/metrics` as vLLM prints it (https://docs.vllm.ai/en/stable/usage/metrics/), the gauges read plus a histogram. */
export function vllmMetrics(options: {
  model: string;
  running: number;
  waiting: number;
  kvCacheUsage: number;
  /** Before the V1 engine the KV gauge was vllm:gpu_cache_usage_perc. */
  legacyKvName?: boolean;
}): string {
  const label = `model_name="${options.model}"`;
  const kv = options.legacyKvName ? 'vllm:gpu_cache_usage_perc' : 'vllm:kv_cache_usage_perc';
  return [
    '# HELP vllm:iteration_tokens_total Histogram of number of tokens per engine_step.',
    '# TYPE vllm:iteration_tokens_total histogram',
    `vllm:iteration_tokens_total_sum{${label}} 0.0`,
    `vllm:iteration_tokens_total_bucket{le="1.0",${label}} 3.0`,
    '# HELP vllm:num_requests_running Number of requests in model execution batches.',
    '# TYPE vllm:num_requests_running gauge',
    `vllm:num_requests_running{engine="0",${label}} ${options.running.toFixed(1)}`,
    '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
    '# TYPE vllm:num_requests_waiting gauge',
    `vllm:num_requests_waiting{engine="0",${label}} ${options.waiting.toFixed(1)}`,
    `vllm:num_requests_running{engine="0",model_name="some-other-model"} 99.0`,
    `# HELP ${kv} KV-cache usage. 1 means 100 percent usage.`,
    `# TYPE ${kv} gauge`,
    `${kv}{engine="0",${label}} ${options.kvCacheUsage}`,
    '',
  ].join('\n');
}
