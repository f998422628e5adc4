import { z } from 'zod';
import { type LlmBackend, LlmBackendError, type LlmRequest, type LlmResponse } from './llm-backend.ts';

/** What an adapter reads off the wire for one generation, before the shared parsing. */
export interface WireReply {
  raw: string;
  promptTokens: number;
  completionTokens: number;
  model: string;
  /** `length` means the reply was cut off at maxTokens, which usually explains a non-JSON reply. */
  finishReason: string | undefined;
}

/** Runs one generation under the request's deadline and signal, then parses the reply against the schema. */
export async function generateWith<T>(
  request: LlmRequest<T>,
  send: (signal: AbortSignal) => Promise<WireReply>,
): Promise<LlmResponse<T>> {
  const started = performance.now();
  const reply = await withDeadline(request.timeoutMs, request.signal, send);
  const { raw, promptTokens, completionTokens, model } = reply;
  const output = parseOutput(request, reply);
  return { output, raw, promptTokens, completionTokens, model, durationMs: performance.now() - started };
}

/**
 * One AbortController per request, fed by a timer and the caller's signal. Not AbortSignal.any: on Node 20
 * it retains every combined signal while a long-lived source signal (a shutdown signal) is alive.
 */
export async function withDeadline<R>(
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<R>,
): Promise<R> {
  if (callerSignal?.aborted) throw new LlmBackendError('aborted', 'aborted by the caller before sending');
  const controller = new AbortController();
  let abortedBy: 'timeout' | 'aborted' | undefined;
  const abort = (by: 'timeout' | 'aborted') => {
    abortedBy ??= by;
    controller.abort();
  };
  const onCallerAbort = () => abort('aborted');
  const timer = setTimeout(() => abort('timeout'), timeoutMs);
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  try {
    return await work(controller.signal);
  } catch (error) {
    if (abortedBy === 'timeout') {
      throw new LlmBackendError('timeout', `no answer within ${timeoutMs} ms`, { cause: error });
    }
    if (abortedBy === 'aborted')
      throw new LlmBackendError('aborted', 'aborted by the caller', { cause: error });
    if (error instanceof SyntaxError) {
      throw new LlmBackendError('malformed', `the server's answer is not JSON: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onCallerAbort);
  }
}

/**
 * fetch that reads the whole body and turns transport failures and non-2xx answers into LlmBackendErrors.
 * Aborts surface as rejections that withDeadline reclassifies.
 */
export async function fetchText(url: string, init: RequestInit): Promise<{ text: string; headers: Headers }> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, init);
    text = await response.text();
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new LlmBackendError('unavailable', `${url}: ${describeNetworkError(error)}`, { cause: error });
  }
  if (!response.ok) {
    const failure = [502, 503, 504].includes(response.status) ? 'unavailable' : 'http_error';
    throw new LlmBackendError(failure, `${url}: HTTP ${response.status} ${preview(text)}`, {
      status: response.status,
    });
  }
  return { text, headers: response.headers };
}

function parseOutput<T>(request: LlmRequest<T>, reply: WireReply): T {
  const cutOff = reply.finishReason === 'length' ? ' (cut off at maxTokens)' : '';
  let json: unknown;
  try {
    json = JSON.parse(reply.raw);
  } catch (error) {
    const message = `${request.schemaName}: the reply is not JSON${cutOff}: ${preview(reply.raw)}`;
    throw new LlmBackendError('malformed', message, { cause: error });
  }
  const result = request.schema.safeParse(json);
  if (!result.success) {
    const message = `${request.schemaName}: the reply fails the schema${cutOff}:\n${z.prettifyError(result.error)}`;
    throw new LlmBackendError('malformed', message, { cause: result.error });
  }
  return result.data;
}

/** undici reports `TypeError: fetch failed` and keeps the useful part (ECONNREFUSED, "other side closed") in cause. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = cause && 'code' in cause ? ` ${String(cause.code)}` : '';
  return cause ? `${error.message} (${cause.message}${code})` : error.message;
}

export function preview(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * One generation under a deadline of the caller's own (a `performance.now()` time), shorter than what the
 * backend is allowed. Running out of our own time says nothing about the backend's health, so no time
 * left, or a timeout, is an `aborted` failure, which is not held against the backend's breaker.
 */
export async function generateBeforeOurDeadline<T>(
  backend: Pick<LlmBackend, 'generate'>,
  request: Omit<LlmRequest<T>, 'timeoutMs'>,
  deadline: number,
  doing: string,
): Promise<T> {
  const timeoutMs = Math.floor(deadline - performance.now());
  if (timeoutMs <= 0) throw new LlmBackendError('aborted', `no time left to ${doing}`);
  try {
    const response = await backend.generate({ ...request, timeoutMs });
    return response.output;
  } catch (error) {
    if (error instanceof LlmBackendError && error.failure === 'timeout')
      throw new LlmBackendError('aborted', error.message, { cause: error });
    throw error;
  }
}
