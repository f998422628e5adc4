/**
 * A simulated model server for benchmarks: an LlmBackend whose answers take as long as a real GPU's
 * would, in real time (setTimeout), so the real LaneScheduler and LlmOrchestrator run over it unchanged.
 *
 * Timing model, per request:
 *   work = prompt tokens not in the prompt cache / prompt-processing rate
 *        + completion tokens / generation rate
 * with both rates drawn per request from the configured ranges (tokens/s at one request at a time).
 * Prompt tokens are estimated at 4 characters each; the prompt cache: a system message this instance
 * has processed before costs nothing again (the servers keep the KV cache of a shared prefix).
 * Completion tokens are drawn per schema name (world narration, NPC reply, taunt), capped by maxTokens.
 *
 * Batching: while n requests run at once on one instance, each advances at 1 / (1 + penalty·(n − 1))
 * of its own rate (processor sharing, recomputed whenever a request starts or ends), so more slots
 * raise the instance's throughput but slow each answer.
 *
 * It honours request.timeoutMs and request.signal (rejects with LlmBackendError 'timeout'/'aborted'
 * and stops counting the request as running), and returns an object that request.schema parses: the
 * world lane's answer carries the rule engine's suggested effects, read from the prompt's
 * `effects: [...]` line, as a well-behaved model would (so the rules accept it).
 * Randomness is seeded (mulberry32 via seededRandom), so runs draw the same numbers.
 */
import { performance } from 'node:perf_hooks';
import { seededRandom } from '../src/domain/random.ts';
import {
  type LlmBackend,
  LlmBackendError,
  type LlmRequest,
  type LlmResponse,
} from '../src/gpu/backends/llm-backend.ts';

export type Range = readonly [min: number, max: number];

export interface SimulatedBackendOptions {
  name: string;
  model: string;
  /** Completion tokens per second of one request running alone, drawn per request. */
  generationTokensPerSecond: Range;
  /** Prompt tokens processed per second of one request running alone, drawn per request. */
  promptTokensPerSecond: Range;
  /** Completion length per schema name (tokens), drawn per request. */
  completionTokens: Readonly<Record<string, Range>>;
  /** Per-request slow-down per extra request running at once: rate × 1/(1 + penalty·(active − 1)). */
  batchPenalty: number;
  seed: string;
}

export interface SimulatedBackendStats {
  requests: number;
  completed: number;
  timeouts: number;
  aborted: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
  /** Mean time from request to answer of the completed ones. */
  meanServiceMs: number;
  peakActive: number;
}

interface Running {
  /** Work left, in milliseconds at full (unbatched) speed. */
  remainingMs: number;
  finish: () => void;
}

const CHARS_PER_TOKEN = 4;
const WORDS = [
  'the',
  'lantern',
  'light',
  'wavers',
  'over',
  'old',
  'stones',
  'and',
  'a',
  'cold',
  'wind',
  'stirs',
  'the',
  'leaves',
  'somewhere',
  'far',
  'off',
  'an',
  'owl',
  'calls',
  'you',
  'feel',
  'the',
  'night',
  'watching',
  'quietly',
] as const;

/** One simulated model server instance (one Ollama or vLLM process with its own slots and prompt cache). */
export class SimulatedBackend implements LlmBackend {
  readonly name: string;
  readonly model: string;
  private readonly random: () => number;
  private readonly running = new Set<Running>();
  private readonly seenSystemMessages = new Set<string>();
  private lastAdvance = performance.now();
  private timer: NodeJS.Timeout | undefined;
  private serviceMsTotal = 0;
  private readonly counters = {
    requests: 0,
    completed: 0,
    timeouts: 0,
    aborted: 0,
    promptTokens: 0,
    cachedPromptTokens: 0,
    completionTokens: 0,
    peakActive: 0,
  };

  constructor(private readonly options: SimulatedBackendOptions) {
    this.name = options.name;
    this.model = options.model;
    this.random = seededRandom(options.seed);
  }

  get active(): number {
    return this.running.size;
  }

  stats(): SimulatedBackendStats {
    const { completed } = this.counters;
    return {
      ...this.counters,
      meanServiceMs: completed > 0 ? Math.round(this.serviceMsTotal / completed) : 0,
    };
  }

  async ping(): Promise<void> {}

  generate<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
    this.counters.requests++;
    if (request.signal?.aborted) {
      this.counters.aborted++;
      return Promise.reject(new LlmBackendError('aborted', 'the caller aborted the request'));
    }
    const started = performance.now();
    const range = this.options.completionTokens[request.schemaName];
    if (!range) {
      return Promise.reject(new LlmBackendError('http_error', `no schema named ${request.schemaName}`));
    }
    const completionTokens = Math.min(request.maxTokens ?? Number.POSITIVE_INFINITY, this.draw(range, true));
    const { promptTokens, cachedTokens } = this.promptTokens(request);
    const workMs =
      ((promptTokens - cachedTokens) / this.draw(this.options.promptTokensPerSecond)) * 1000 +
      (completionTokens / this.draw(this.options.generationTokensPerSecond)) * 1000;
    // Drawn now, so that the sequence of draws does not depend on when answers finish.
    const raw = JSON.stringify(this.answer(request, completionTokens));

    return new Promise<LlmResponse<T>>((resolve, reject) => {
      let deadline: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(deadline);
        request.signal?.removeEventListener('abort', onAbort);
      };
      const stop = (failure: 'timeout' | 'aborted', message: string) => {
        if (!this.running.has(running)) return;
        this.advance();
        this.running.delete(running);
        this.reschedule();
        settle();
        if (failure === 'timeout') this.counters.timeouts++;
        else this.counters.aborted++;
        reject(new LlmBackendError(failure, message));
      };
      const onAbort = () => stop('aborted', 'the caller aborted the request');
      const running: Running = {
        remainingMs: workMs,
        finish: () => {
          settle();
          const durationMs = performance.now() - started;
          let output: T;
          try {
            output = request.schema.parse(JSON.parse(raw));
          } catch (error) {
            reject(new LlmBackendError('malformed', 'the answer does not fit the schema', { cause: error }));
            return;
          }
          this.counters.completed++;
          this.counters.promptTokens += promptTokens;
          this.counters.cachedPromptTokens += cachedTokens;
          this.counters.completionTokens += completionTokens;
          this.serviceMsTotal += durationMs;
          resolve({ output, raw, promptTokens, completionTokens, durationMs, model: this.model });
        },
      };
      this.advance();
      this.running.add(running);
      this.counters.peakActive = Math.max(this.counters.peakActive, this.running.size);
      this.reschedule();
      deadline = setTimeout(
        () => stop('timeout', `no answer within ${request.timeoutMs} ms`),
        Math.max(0, request.timeoutMs),
      );
      request.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Speed of each running request relative to running alone. */
  private speed(): number {
    return 1 / (1 + this.options.batchPenalty * Math.max(0, this.running.size - 1));
  }

  /** Moves every running request forward by the time since the last change, at the current speed. */
  private advance(): void {
    const now = performance.now();
    const progress = (now - this.lastAdvance) * this.speed();
    this.lastAdvance = now;
    for (const running of this.running) running.remainingMs -= progress;
  }

  /** One timer for the request that finishes first at the current speed. */
  private reschedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running.size === 0) return;
    let next = Number.POSITIVE_INFINITY;
    for (const running of this.running) next = Math.min(next, running.remainingMs);
    this.timer = setTimeout(() => this.complete(), Math.max(0, next / this.speed()));
  }

  private complete(): void {
    this.advance();
    const done = [...this.running].filter((r) => r.remainingMs <= 0.5);
    for (const running of done) this.running.delete(running);
    this.reschedule();
    for (const running of done) running.finish();
  }

  private promptTokens(request: LlmRequest<unknown>): { promptTokens: number; cachedTokens: number } {
    let promptTokens = 0;
    let cachedTokens = 0;
    for (const message of request.messages) {
      const tokens = Math.ceil(message.content.length / CHARS_PER_TOKEN);
      promptTokens += tokens;
      if (message.role === 'system') {
        if (this.seenSystemMessages.has(message.content)) cachedTokens += tokens;
        else this.seenSystemMessages.add(message.content);
      }
    }
    return { promptTokens, cachedTokens };
  }

  private draw([min, max]: Range, whole = false): number {
    if (whole) return min + Math.floor(this.random() * (max - min + 1));
    return min + this.random() * (max - min);
  }

  private text(tokens: number, maxChars: number): string {
    // About 0.75 words per token.
    const words: string[] = [];
    for (let i = 0; i < Math.max(1, Math.round(tokens * 0.75)); i++) {
      words.push(WORDS[Math.floor(this.random() * WORDS.length)]!);
    }
    const sentence = words.join(' ');
    return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`.slice(0, maxChars);
  }

  private answer(request: LlmRequest<unknown>, completionTokens: number): unknown {
    switch (request.schemaName) {
      case 'world_outcome':
        return { narration: this.text(completionTokens, 2000), effects: suggestedEffects(request) };
      case 'npc_reply':
        return {
          reply: this.text(completionTokens, 1000),
          emotion: 'neutral',
          relationship_change: 1,
          facts: [],
        };
      case 'enemy_taunt':
        return { taunt: this.text(completionTokens, 200) };
      default:
        return {};
    }
  }
}

/** The rule engine's suggested effects, as the world prompt states them (`effects: [...]`). */
function suggestedEffects(request: LlmRequest<unknown>): unknown[] {
  for (const message of request.messages) {
    if (message.role !== 'user') continue;
    const line = /^effects: (\[.*\])$/m.exec(message.content);
    if (!line) continue;
    try {
      const effects = JSON.parse(line[1]!) as unknown;
      return Array.isArray(effects) ? effects : [];
    } catch {
      return [];
    }
  }
  return [];
}
