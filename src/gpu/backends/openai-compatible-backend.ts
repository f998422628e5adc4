import { z } from 'zod';
import { fetchText, generateWith, preview, trimSlashes, withDeadline } from './backend-support.ts';
import { type LlmBackend, LlmBackendError, type LlmRequest, type LlmResponse } from './llm-backend.ts';
import { probeServerCapacity, type ServerCapacity } from './server-capacity.ts';

export interface OpenAiCompatibleBackendOptions {
  /** The server's root, e.g. `http://vllm:8000`; a trailing `/v1` is accepted too. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  pingTimeoutMs?: number;
  name?: string;
  /** Where `capacity()` says why it read nothing (no such endpoint, a malformed answer). */
  debug?: (detail: Record<string, unknown>, message: string) => void;
}

/** The subset of an OpenAI chat completion this adapter reads. */
const completionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

/** POST /v1/chat/completions with a strict json_schema response_format: vLLM, SGLang, llama.cpp server, LM Studio. */
export class OpenAiCompatibleBackend implements LlmBackend {
  readonly name: string;
  readonly model: string;
  private readonly baseUrl: string;
  private readonly headers: Record<string, string>;
  private readonly pingTimeoutMs: number;
  private readonly debug: OpenAiCompatibleBackendOptions['debug'];

  constructor(options: OpenAiCompatibleBackendOptions) {
    this.baseUrl = trimSlashes(options.baseUrl).replace(/\/v1$/, '');
    this.model = options.model;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
    this.name = options.name ?? `openai:${options.model}`;
    this.debug = options.debug;
    this.headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.apiKey) this.headers['authorization'] = `Bearer ${options.apiKey}`;
  }

  async generate<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
    const body = {
      model: this.model,
      messages: request.messages,
      max_tokens: request.maxTokens,
      temperature: request.temperature,
      response_format: {
        type: 'json_schema',
        json_schema: { name: request.schemaName, schema: z.toJSONSchema(request.schema), strict: true },
      },
    };
    return generateWith(request, async (signal) => {
      const { text } = await fetchText(`${this.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify(body),
        signal,
      });
      const parsed = completionSchema.safeParse(JSON.parse(text));
      if (!parsed.success) {
        throw new LlmBackendError('malformed', `not a chat completion: ${preview(text)}`, {
          cause: parsed.error,
        });
      }
      const completion = parsed.data;
      const choice = completion.choices[0]!;
      return {
        // A refusal comes with content null and the reason in refusal, which then fails as "not JSON".
        raw: choice.message.content ?? choice.message.refusal ?? '',
        promptTokens: completion.usage?.prompt_tokens ?? 0,
        completionTokens: completion.usage?.completion_tokens ?? 0,
        model: completion.model ?? this.model,
        finishReason: choice.finish_reason ?? undefined,
      };
    });
  }

  async ping(): Promise<void> {
    await withDeadline(this.pingTimeoutMs, undefined, (signal) =>
      fetchText(`${this.baseUrl}/v1/models`, { headers: this.headers, signal }),
    );
  }

  /** SGLang's `/get_server_info`, else vLLM's `/metrics` (src/gpu/backends/server-capacity.ts). */
  capacity(signal?: AbortSignal): Promise<ServerCapacity | undefined> {
    return probeServerCapacity({
      baseUrl: this.baseUrl,
      model: this.model,
      headers: this.headers,
      timeoutMs: this.pingTimeoutMs,
      ...(signal ? { signal } : {}),
      ...(this.debug ? { debug: this.debug } : {}),
    });
  }
}
