import { Ollama } from 'ollama';
import { z } from 'zod';
import { fetchText, generateWith, trimSlashes, withDeadline } from './backend-support.ts';
import type { LlmBackend, LlmRequest, LlmResponse } from './llm-backend.ts';

export interface OllamaBackendOptions {
  /** e.g. `http://ollama:11434` */
  host: string;
  model: string;
  /** How long Ollama keeps the model loaded after a request (Ollama's own default is 5m). */
  keepAlive?: string | number;
  pingTimeoutMs?: number;
  name?: string;
}

/** Ollama's native /api/chat through the `ollama` package, with `format` set to the output's JSON schema. */
export class OllamaBackend implements LlmBackend {
  readonly name: string;
  readonly model: string;
  private readonly host: string;
  private readonly keepAlive: string | number;
  private readonly pingTimeoutMs: number;

  constructor(options: OllamaBackendOptions) {
    this.host = trimSlashes(options.host);
    this.model = options.model;
    this.keepAlive = options.keepAlive ?? '30m';
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
    this.name = options.name ?? `ollama:${options.model}`;
  }

  generate<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
    return generateWith(request, async (signal) => {
      const response = await this.client(signal).chat({
        model: this.model,
        messages: request.messages,
        format: z.toJSONSchema(request.schema),
        stream: false,
        keep_alive: this.keepAlive,
        options: { num_predict: request.maxTokens, temperature: request.temperature },
      });
      return {
        raw: response.message?.content ?? '',
        // Older Ollama versions leave prompt_eval_count out when the whole prompt came from the cache.
        promptTokens: response.prompt_eval_count ?? 0,
        completionTokens: response.eval_count ?? 0,
        model: response.model ?? this.model,
        finishReason: response.done_reason,
      };
    });
  }

  async ping(): Promise<void> {
    await withDeadline(this.pingTimeoutMs, undefined, (signal) => this.client(signal).list());
  }

  /**
   * A client per request: the package passes no signal to fetch for non-streamed requests (and its abort()
   * only reaches streams, all of them at once), so the request's signal goes in through a custom fetch.
   * A client is only its config, so this is cheap.
   */
  private client(signal: AbortSignal): Ollama {
    const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const { text, headers } = await fetchText(String(input), { ...init, signal });
      return new Response(text, { status: 200, headers });
    };
    return new Ollama({ host: this.host, fetch });
  }
}
