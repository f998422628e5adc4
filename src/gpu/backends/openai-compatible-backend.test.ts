import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OpenAiCompatibleBackend } from './openai-compatible-backend.ts';
import { describeBackendContract, failureOf, Outcome, outcomeRequest } from './testing/backend-contract.ts';
import { FakeLlmServer } from './testing/fake-llm-server.ts';

const make = (baseUrl: string, apiKey?: string) =>
  new OpenAiCompatibleBackend({ baseUrl, model: 'test-model', pingTimeoutMs: 200, apiKey });

describe('OpenAiCompatibleBackend', () => {
  describeBackendContract((url) => make(url), { chat: '/v1/chat/completions', ping: '/v1/models' });

  describe('wire format', () => {
    let server: FakeLlmServer;
    beforeEach(async () => {
      server = await FakeLlmServer.start();
    });
    afterEach(() => server.close());

    it('sends the JSON schema as a strict json_schema response_format, with the sampling options', async () => {
      server.enqueue({ content: { narration: 'ok', hp: 1 } });
      await make(server.url).generate(outcomeRequest({ maxTokens: 64, temperature: 0.2 }));
      const [sent] = server.requests;
      expect(sent?.body).toMatchObject({
        max_tokens: 64,
        temperature: 0.2,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'outcome', schema: z.toJSONSchema(Outcome), strict: true },
        },
      });
      expect(sent?.headers.authorization).toBeUndefined();
    });

    it('sends the API key as a bearer token and accepts a base URL ending in /v1', async () => {
      server.enqueue({ content: { narration: 'ok', hp: 1 } });
      await make(`${server.url}/v1/`, 'sk-test').generate(outcomeRequest());
      expect(server.requests[0]).toMatchObject({
        path: '/v1/chat/completions',
        headers: { authorization: 'Bearer sk-test' },
      });
    });

    it('fails with malformed when the answer has no choices', async () => {
      server.enqueue({ status: 200, body: JSON.stringify({ choices: [] }) });
      const error = await failureOf(make(server.url).generate(outcomeRequest()));
      expect(error.failure).toBe('malformed');
    });
  });
});
