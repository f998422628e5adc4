import { afterEach, describe, expect, it } from 'vitest';
import type { LlmBackend } from './llm-backend.ts';
import { OllamaBackend } from './ollama-backend.ts';
import { OpenAiCompatibleBackend } from './openai-compatible-backend.ts';
import { capacityFromVllmMetrics } from './server-capacity.ts';
import { CapacityServer, sglangServerInfo, vllmMetrics } from './testing/capacity-server.ts';

const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
let server: CapacityServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function capacityFrom(answers: Parameters<typeof CapacityServer.start>[0]) {
  server = await CapacityServer.start(answers);
  const debug: string[] = [];
  const backend = new OpenAiCompatibleBackend({
    baseUrl: `${server.url}/v1`,
    model: MODEL,
    pingTimeoutMs: 1_000,
    debug: (_detail, message) => debug.push(message),
  });
  return { capacity: await backend.capacity(), debug, paths: server.paths };
}

describe('OpenAiCompatibleBackend.capacity', () => {
  it('reads the running cap SGLang applies, summed over its data-parallel ranks', async () => {
    const { capacity, paths } = await capacityFrom({
      '/get_server_info': { body: sglangServerInfo({ maxRunning: null, perRank: [48, 48] }) },
    });
    expect(capacity).toEqual({ maxRunning: 96 });
    expect(paths).toEqual(['/get_server_info']);
  });

  it('falls back to the max_running_requests SGLang was launched with when it shows no internal state', async () => {
    const { capacity } = await capacityFrom({
      '/get_server_info': { body: sglangServerInfo({ maxRunning: 128 }) },
    });
    expect(capacity).toEqual({ maxRunning: 128 });
  });

  it("reads vLLM's gauges for its own model when the server has no /get_server_info", async () => {
    const { capacity, paths } = await capacityFrom({
      '/metrics': {
        contentType: 'text/plain; version=0.0.4',
        body: vllmMetrics({ model: MODEL, running: 12, waiting: 3, kvCacheUsage: 0.42 }),
      },
    });
    expect(capacity).toEqual({ running: 12, waiting: 3, kvCacheUsage: 0.42 });
    expect(paths).toEqual(['/get_server_info', '/metrics']);
  });

  it('reads the KV gauge of vLLM before its V1 engine (gpu_cache_usage_perc)', async () => {
    const { capacity } = await capacityFrom({
      '/metrics': {
        contentType: 'text/plain',
        body: vllmMetrics({ model: MODEL, running: 2, waiting: 0, kvCacheUsage: 0.97, legacyKvName: true }),
      },
    });
    expect(capacity).toEqual({ running: 2, waiting: 0, kvCacheUsage: 0.97 });
  });

  it('is undefined, without throwing, when the server reports nothing (llama.cpp, LM Studio)', async () => {
    const { capacity, debug } = await capacityFrom({});
    expect(capacity).toBeUndefined();
    expect(debug).toHaveLength(2);
  });

  it('is undefined, logged at debug, when the answers are malformed', async () => {
    const { capacity, debug } = await capacityFrom({
      '/get_server_info': { body: '{"max_running_requests": "many", "internal_states": 7' },
      '/metrics': {
        contentType: 'text/plain',
        body: 'vllm:num_requests_running{model_name="x" oops\n<html>',
      },
    });
    expect(capacity).toBeUndefined();
    expect(debug).toEqual(['malformed capacity answer', 'no capacity in the answer']);
  });

  it('is undefined when the server cannot be reached', async () => {
    server = await CapacityServer.start();
    const url = server.url;
    await server.close();
    server = undefined;
    const backend = new OpenAiCompatibleBackend({ baseUrl: url, model: MODEL, pingTimeoutMs: 1_000 });
    await expect(backend.capacity()).resolves.toBeUndefined();
  });

  it('is not offered by the Ollama backend (Ollama reports no batch capacity)', () => {
    const backend: LlmBackend = new OllamaBackend({ host: 'http://127.0.0.1:1', model: 'm' });
    expect(backend.capacity).toBeUndefined();
  });
});

describe('capacityFromVllmMetrics', () => {
  it('sums the engines of our model and keeps the fullest KV cache', () => {
    const text = [
      `vllm:num_requests_running{engine="0",model_name="${MODEL}"} 3.0`,
      `vllm:num_requests_running{engine="1",model_name="${MODEL}"} 4.0`,
      `vllm:num_requests_waiting{engine="0",model_name="${MODEL}"} 0.0`,
      `vllm:kv_cache_usage_perc{engine="0",model_name="${MODEL}"} 0.2`,
      `vllm:kv_cache_usage_perc{engine="1",model_name="${MODEL}"} 0.6`,
    ].join('\n');
    expect(capacityFromVllmMetrics(text, MODEL)).toEqual({ running: 7, waiting: 0, kvCacheUsage: 0.6 });
  });

  it("ignores another model's gauges", () => {
    const text = 'vllm:num_requests_running{model_name="other"} 5.0\n';
    expect(capacityFromVllmMetrics(text, MODEL)).toBeUndefined();
  });
});
