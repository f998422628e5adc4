import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateBeforeOurDeadline } from './backend-support.ts';
import { type LlmBackend, LlmBackendError, type LlmRequest } from './llm-backend.ts';

const request = { messages: [], schema: z.object({ ok: z.boolean() }), schemaName: 'test' };

function backendThat(answer: (request: LlmRequest<unknown>) => unknown): Pick<LlmBackend, 'generate'> & {
  asked: LlmRequest<unknown>[];
} {
  const asked: LlmRequest<unknown>[] = [];
  return {
    asked,
    generate: async <T>(request: LlmRequest<T>) => {
      asked.push(request as LlmRequest<unknown>);
      return {
        output: answer(request as LlmRequest<unknown>) as T,
        raw: '',
        promptTokens: 0,
        completionTokens: 0,
        durationMs: 0,
        model: 'test',
      };
    },
  };
}

const failure = (error: unknown) => (error instanceof LlmBackendError ? error.failure : error);

describe('generateBeforeOurDeadline', () => {
  it('asks with the time left to our deadline and returns the output', async () => {
    const backend = backendThat(() => ({ ok: true }));
    expect(await generateBeforeOurDeadline(backend, request, performance.now() + 5_000, 'test')).toEqual({
      ok: true,
    });
    expect(backend.asked[0]!.timeoutMs).toBeGreaterThan(0);
    expect(backend.asked[0]!.timeoutMs).toBeLessThanOrEqual(5_000);
  });

  it('asks nothing when no time is left, and says so as aborted', async () => {
    const backend = backendThat(() => ({ ok: true }));
    const error = await generateBeforeOurDeadline(backend, request, performance.now() - 1, 'read it').catch(
      (e: unknown) => e,
    );
    expect(failure(error)).toBe('aborted');
    expect((error as Error).message).toBe('no time left to read it');
    expect(backend.asked).toHaveLength(0);
  });

  it('turns a timeout into aborted (not the backend’s fault) and lets other failures through', async () => {
    const timingOut = backendThat(() => {
      throw new LlmBackendError('timeout', 'no answer within 10 ms');
    });
    const timedOut = await generateBeforeOurDeadline(
      timingOut,
      request,
      performance.now() + 5_000,
      'x',
    ).catch((e: unknown) => e);
    expect(failure(timedOut)).toBe('aborted');
    expect(failure((timedOut as Error).cause)).toBe('timeout');

    const down = backendThat(() => {
      throw new LlmBackendError('unavailable', 'connection refused');
    });
    const refused = await generateBeforeOurDeadline(down, request, performance.now() + 5_000, 'x').catch(
      (e: unknown) => e,
    );
    expect(failure(refused)).toBe('unavailable');
  });
});
