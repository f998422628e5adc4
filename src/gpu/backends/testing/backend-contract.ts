import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ChatMessage, type LlmBackend, LlmBackendError, type LlmRequest } from '../llm-backend.ts';
import { FakeLlmServer } from './fake-llm-server.ts';

export const Outcome = z.object({ narration: z.string(), hp: z.number().int() });

export const messages: ChatMessage[] = [
  { role: 'system', content: 'You narrate a text adventure. Answer in JSON.' },
  { role: 'user', content: 'World: a smithy with an anvil.' },
  { role: 'assistant', content: '{"narration":"Heat rolls off the forge.","hp":3}' },
  { role: 'user', content: 'look at the anvil' },
];

export function outcomeRequest(overrides: Partial<LlmRequest<z.infer<typeof Outcome>>> = {}) {
  return { messages, schema: Outcome, schemaName: 'outcome', timeoutMs: 1_000, ...overrides };
}

export async function failureOf(promise: Promise<unknown>): Promise<LlmBackendError> {
  const error = await promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(LlmBackendError);
  return error as LlmBackendError;
}

/** What every adapter must do, whatever its wire protocol. `make` builds a backend with model 'test-model' and
 * a ping timeout of about 200 ms. */
export function describeBackendContract(
  make: (baseUrl: string) => LlmBackend,
  paths: { chat: string; ping: string },
): void {
  describe('backend contract', () => {
    let server: FakeLlmServer;
    let backend: LlmBackend;
    beforeEach(async () => {
      server = await FakeLlmServer.start();
      backend = make(server.url);
    });
    afterEach(() => server.close());

    it('returns the parsed output, the token counts and the model, and keeps the messages in order', async () => {
      server.enqueue({
        content: { narration: 'The anvil is cold.', hp: 3 },
        promptTokens: 42,
        completionTokens: 7,
      });
      const response = await backend.generate(outcomeRequest());
      expect(response.output).toEqual({ narration: 'The anvil is cold.', hp: 3 });
      expect(JSON.parse(response.raw)).toEqual(response.output);
      expect(response).toMatchObject({ promptTokens: 42, completionTokens: 7, model: 'test-model' });
      expect(response.durationMs).toBeGreaterThanOrEqual(0);
      const [sent] = server.requests;
      expect(sent).toMatchObject({
        method: 'POST',
        path: paths.chat,
        body: { model: 'test-model', messages },
      });
    });

    it('fails with timeout soon after timeoutMs', async () => {
      server.enqueue({ delayMs: 2_000 });
      const started = performance.now();
      const error = await failureOf(backend.generate(outcomeRequest({ timeoutMs: 150 })));
      expect(error.failure).toBe('timeout');
      expect(performance.now() - started).toBeLessThan(150 + 250);
    });

    it('fails with aborted when the caller aborts, leaving a concurrent request alone', async () => {
      server.enqueue(
        { delayMs: 150, content: { narration: 'ok', hp: 1 } },
        { delayMs: 150, content: { narration: 'ok', hp: 1 } },
      );
      const controller = new AbortController();
      const kept = backend.generate(outcomeRequest());
      const aborted = failureOf(backend.generate(outcomeRequest({ signal: controller.signal })));
      setTimeout(() => controller.abort(), 30);
      expect((await aborted).failure).toBe('aborted');
      expect((await kept).output).toEqual({ narration: 'ok', hp: 1 });
    });

    it('fails with aborted without sending when the signal is already aborted', async () => {
      const error = await failureOf(backend.generate(outcomeRequest({ signal: AbortSignal.abort() })));
      expect(error.failure).toBe('aborted');
      expect(server.requests).toHaveLength(0);
    });

    it('fails with malformed when the reply is not JSON', async () => {
      server.enqueue({ content: 'The anvil is cold.' });
      const error = await failureOf(backend.generate(outcomeRequest()));
      expect(error.failure).toBe('malformed');
      expect(error.message).toContain('outcome: the reply is not JSON');
    });

    it('fails with malformed, naming the issue, when the reply breaks the schema', async () => {
      server.enqueue({ content: { narration: 'The anvil is cold.', hp: 'lots' } });
      const error = await failureOf(backend.generate(outcomeRequest()));
      expect(error.failure).toBe('malformed');
      expect(error.message).toMatch(/expected number[\s\S]*at hp/);
    });

    it('fails with malformed when the answer is not a JSON envelope', async () => {
      server.enqueue({ status: 200, body: '<html>proxy login</html>' });
      expect((await failureOf(backend.generate(outcomeRequest()))).failure).toBe('malformed');
    });

    it('fails with unavailable on 503, keeping the status', async () => {
      server.enqueue({ status: 503 });
      const error = await failureOf(backend.generate(outcomeRequest()));
      expect(error).toMatchObject({ failure: 'unavailable', status: 503 });
    });

    it('fails with unavailable when the connection drops mid-request', async () => {
      server.enqueue({ delayMs: 20, destroy: true });
      expect((await failureOf(backend.generate(outcomeRequest()))).failure).toBe('unavailable');
    });

    it('fails with unavailable when the connection is refused', async () => {
      const closed = await FakeLlmServer.start();
      const url = closed.url;
      await closed.close();
      expect((await failureOf(make(url).generate(outcomeRequest()))).failure).toBe('unavailable');
      expect((await failureOf(make(url).ping())).failure).toBe('unavailable');
    });

    it('fails with http_error on 400, with the body in the message', async () => {
      server.enqueue({ status: 400, body: '{"error":"invalid schema"}' });
      const error = await failureOf(backend.generate(outcomeRequest()));
      expect(error).toMatchObject({ failure: 'http_error', status: 400 });
      expect(error.message).toContain('invalid schema');
    });

    it('pings the cheap endpoint', async () => {
      await backend.ping();
      expect(server.requests).toMatchObject([{ method: 'GET', path: paths.ping }]);
    });

    it('fails a ping on 503 or past its timeout', async () => {
      server.enqueue({ status: 503 }, { delayMs: 2_000 });
      expect((await failureOf(backend.ping())).failure).toBe('unavailable');
      expect((await failureOf(backend.ping())).failure).toBe('timeout');
    });
  });
}
