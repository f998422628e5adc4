import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { seededRandom } from '../../src/domain/random.ts';
import { PrefixCache, type PromptMessage } from './prefix-cache.ts';
import { simulatedAnswer } from './simulated-answers.ts';
import { SimulatedGpu } from './simulated-gpu.ts';

export type Range = readonly [min: number, max: number];

export interface SimulatedModelOptions {
  model: string;
  /** Completion tokens per second of one request running alone, drawn per request. */
  generationTokensPerSecond: Range;
  /** Prompt tokens processed per second of one request running alone, drawn per request. */
  promptTokensPerSecond: Range;
  /** Completion length per schema name (tokens), drawn per request; cut at max_tokens. */
  completionTokens: Readonly<Record<string, Range>>;
  /** Completion length of a schema not listed. */
  otherCompletionTokens: Range;
  /** Per-request slow-down per extra request running at once: rate × 1/(1 + penalty·(active − 1)). */
  batchPenalty: number;
  /** What GET /get_server_info reports as max_running_requests (SGLang's continuous batch). */
  maxRunningRequests: number;
  /** Prefixes the prefix cache keeps. */
  prefixCacheSize?: number;
}

export interface SchemaStats {
  requests: number;
  promptTokens: number;
  cachedPromptTokens: number;
}

export interface SimulatedModelStats {
  requests: number;
  completed: number;
  aborted: number;
  /** Answers longer than their max_tokens, cut there (finish_reason `length`: not valid JSON). */
  cutAtMaxTokens: number;
  malformedRequests: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  /** Mean time from a request's arrival to its answer, of the completed ones. */
  meanServiceMs: number;
  peakActive: number;
  bySchema: Record<string, SchemaStats>;
}

/**
 * One simulated model server over HTTP (node:http on loopback), speaking what the product's
 * OpenAiCompatibleBackend and capacity probe ask of vLLM / SGLang:
 *   POST /v1/chat/completions (response_format json_schema) → a chat completion with usage;
 *   GET /v1/models; GET /get_server_info → { max_running_requests }.
 * A request takes, in real time:
 *   uncached prompt tokens / prompt rate + completion tokens / generation rate
 * (rates drawn per request; an answer longer than max_tokens is cut there, mid-JSON, with
 * finish_reason `length`, as a server cuts it), slowed by the requests running beside it (SimulatedGpu); past
 * max_running_requests at once, requests wait their turn, first come first served. Prompt tokens
 * are Llama 3 tokens through the chat template; the longest prefix of whole messages this instance
 * processed before costs nothing (PrefixCache). A request whose client goes away stops running.
 * Randomness is seeded, so runs draw the same numbers for the same sequence of requests.
 */
export class SimulatedModelServer {
  private readonly gpu: SimulatedGpu;
  private readonly prefixCache: PrefixCache;
  private readonly random: () => number;
  private server: http.Server | undefined;
  private serviceMsTotal = 0;
  private readonly counters = {
    requests: 0,
    completed: 0,
    aborted: 0,
    cutAtMaxTokens: 0,
    malformedRequests: 0,
    promptTokens: 0,
    cachedPromptTokens: 0,
    completionTokens: 0,
  };
  private readonly bySchema: Record<string, SchemaStats> = {};
  private readonly waiting: { start: () => void }[] = [];
  private running = 0;
  url = '';

  constructor(
    readonly name: string,
    private readonly options: SimulatedModelOptions,
    seed: string,
  ) {
    this.gpu = new SimulatedGpu(options.batchPenalty);
    this.prefixCache = new PrefixCache(options.prefixCacheSize);
    this.random = seededRandom(seed);
  }

  async start(): Promise<string> {
    const server = http.createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) reply(response, 500, { error: { message: String(error) } });
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  stats(): SimulatedModelStats {
    const { completed } = this.counters;
    return {
      ...this.counters,
      meanServiceMs: completed > 0 ? Math.round(this.serviceMsTotal / completed) : 0,
      peakActive: this.gpu.peakActive,
      bySchema: structuredClone(this.bySchema),
    };
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/v1/models')
      return reply(response, 200, { object: 'list', data: [{ id: this.options.model, object: 'model' }] });
    if (request.method === 'GET' && path === '/get_server_info')
      return reply(response, 200, {
        model_path: this.options.model,
        max_running_requests: this.options.maxRunningRequests,
        running_queue_size: this.gpu.active,
        waiting_queue_size: this.waiting.length,
        internal_states: [{ effective_max_running_requests_per_dp: this.options.maxRunningRequests }],
      });
    if (request.method !== 'POST' || path !== '/v1/chat/completions')
      return reply(response, 404, { error: { message: `no route ${request.method} ${path}` } });

    const arrived = performance.now();
    const body = await readJson(request);
    const parsed = chatRequest(body);
    this.counters.requests++;
    if (typeof parsed === 'string') {
      this.counters.malformedRequests++;
      return reply(response, 400, { error: { message: parsed } });
    }
    const { messages, maxTokens, schemaName, schema } = parsed;
    const { promptTokens, cachedTokens } = this.prefixCache.admit(messages);
    this.counters.promptTokens += promptTokens;
    this.counters.cachedPromptTokens += cachedTokens;
    this.bySchema[schemaName] ??= { requests: 0, promptTokens: 0, cachedPromptTokens: 0 };
    const perSchema = this.bySchema[schemaName];
    perSchema.requests++;
    perSchema.promptTokens += promptTokens;
    perSchema.cachedPromptTokens += cachedTokens;

    const range = this.options.completionTokens[schemaName] ?? this.options.otherCompletionTokens;
    const wanted = this.draw(range, true);
    // A model does not know max_tokens: an answer longer than it is cut there, mid-JSON, as servers do.
    const cut = maxTokens !== undefined && wanted > maxTokens;
    const completionTokens = cut ? maxTokens : wanted;
    const workMs =
      ((promptTokens - cachedTokens) / this.draw(this.options.promptTokensPerSecond)) * 1000 +
      (completionTokens / this.draw(this.options.generationTokensPerSecond)) * 1000;
    // Drawn now, so that the sequence of draws does not depend on when answers finish.
    const whole = JSON.stringify(simulatedAnswer(schemaName, schema, messages, wanted, this.random));
    const content = cut ? whole.slice(0, Math.floor((whole.length * completionTokens) / wanted)) : whole;

    const gone = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) gone.abort(new Error('the client went away'));
    });
    try {
      await this.turn(gone.signal);
      try {
        await this.gpu.run(workMs, gone.signal);
      } finally {
        this.next();
      }
    } catch {
      this.counters.aborted++;
      return;
    }
    this.counters.completed++;
    if (cut) this.counters.cutAtMaxTokens++;
    this.counters.completionTokens += completionTokens;
    this.serviceMsTotal += performance.now() - arrived;
    reply(response, 200, {
      id: `chatcmpl-${this.counters.requests}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: this.options.model,
      choices: [
        { index: 0, message: { role: 'assistant', content }, finish_reason: cut ? 'length' : 'stop' },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: cachedTokens },
      },
    });
  }

  /** Waits, first come first served, until fewer than max_running_requests run (as SGLang queues). */
  private turn(signal: AbortSignal): Promise<void> {
    if (this.running < this.options.maxRunningRequests && this.waiting.length === 0) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        start: () => {
          signal.removeEventListener('abort', onAbort);
          this.running++;
          resolve();
        },
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private next(): void {
    this.running--;
    this.waiting.shift()?.start();
  }

  private draw([min, max]: Range, whole = false): number {
    if (whole) return min + Math.floor(this.random() * (max - min + 1));
    return min + this.random() * (max - min);
  }
}

interface ChatRequest {
  messages: PromptMessage[];
  maxTokens: number | undefined;
  schemaName: string;
  schema: unknown;
}

/** The parts of an OpenAI chat completion request used here, or what is wrong with it. */
function chatRequest(body: unknown): ChatRequest | string {
  if (typeof body !== 'object' || body === null) return 'the body is not a JSON object';
  const { messages, max_tokens, response_format } = body as Record<string, unknown>;
  if (
    !Array.isArray(messages) ||
    !messages.every(
      (m) =>
        typeof m === 'object' && m !== null && typeof m.role === 'string' && typeof m.content === 'string',
    )
  )
    return 'messages must be a list of {role, content} with text content';
  const format = response_format as { type?: string; json_schema?: { name?: unknown; schema?: unknown } };
  if (format?.type !== 'json_schema' || typeof format.json_schema?.name !== 'string')
    return 'response_format must be {type: "json_schema", json_schema: {name, schema}}';
  return {
    messages: messages as PromptMessage[],
    maxTokens: typeof max_tokens === 'number' ? max_tokens : undefined,
    schemaName: format.json_schema.name,
    schema: format.json_schema.schema,
  };
}

function readJson(request: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
    request.on('error', reject);
  });
}

function reply(response: http.ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}
