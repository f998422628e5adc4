import type { LlmRequest, LlmResponse } from '../llm-backend.ts';

/** A scripted model's answer to the request: the reply checked against the request's schema, as 100 prompt and 40 completion tokens in 100 ms. */
export function scriptedResponse<T>(request: LlmRequest<T>, reply: unknown): LlmResponse<T> {
  return {
    output: request.schema.parse(reply),
    raw: JSON.stringify(reply),
    promptTokens: 100,
    completionTokens: 40,
    durationMs: 100,
    model: 'scripted',
  };
}
