import type { z } from 'zod';
import type { ServerCapacity } from './server-capacity.ts';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface LlmRequest<T> {
  /** System first; the stable prefix first and the player's text last, so servers can reuse the prompt cache. */
  messages: ChatMessage[];
  /** The output schema; adapters send `z.toJSONSchema(schema)` as the structured-output format. */
  schema: z.ZodType<T>;
  schemaName: string;
  maxTokens?: number;
  temperature?: number;
  /** The caller's cancellation: aborts the HTTP request. */
  signal?: AbortSignal;
  /** Per-request deadline: the HTTP request is aborted when it elapses. */
  timeoutMs: number;
}

export interface LlmResponse<T> {
  output: T;
  /** The model's text before parsing. */
  raw: string;
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
  /** The model the server says answered. */
  model: string;
}

/**
 * - `timeout`: `timeoutMs` elapsed; `aborted`: the caller's signal fired
 * - `unavailable`: connection refused, reset or dropped, or 502/503/504
 * - `http_error`: any other non-2xx answer
 * - `malformed`: the reply is not JSON or fails the schema
 */
export type BackendFailure = 'timeout' | 'unavailable' | 'malformed' | 'http_error' | 'aborted';

export class LlmBackendError extends Error {
  override readonly name = 'LlmBackendError';
  readonly status: number | undefined;

  constructor(
    readonly failure: BackendFailure,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.status = options?.status;
  }
}

/** A server that turns chat messages into one JSON object of a given schema. */
export interface LlmBackend {
  readonly name: string;
  readonly model: string;
  generate<T>(request: LlmRequest<T>): Promise<LlmResponse<T>>;
  /** Resolves when the server answers its cheapest endpoint; rejects with an LlmBackendError otherwise. */
  ping(): Promise<void>;
  /**
   * What the server reports it can batch (continuous batching: vLLM, SGLang); undefined when it reports
   * nothing. Never rejects. Absent on backends whose servers never report it.
   */
  capacity?(signal?: AbortSignal): Promise<ServerCapacity | undefined>;
}
