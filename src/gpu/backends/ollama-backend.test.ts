import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OllamaBackend } from './ollama-backend.ts';
import { describeBackendContract, Outcome, outcomeRequest } from './testing/backend-contract.ts';
import { FakeLlmServer } from './testing/fake-llm-server.ts';

const make = (host: string, keepAlive?: string | number) =>
  new OllamaBackend({ host, model: 'test-model', pingTimeoutMs: 200, keepAlive });

describe('OllamaBackend', () => {
  describeBackendContract((url) => make(url), { chat: '/api/chat', ping: '/api/tags' });

  describe('wire format', () => {
    let server: FakeLlmServer;
    beforeEach(async () => {
      server = await FakeLlmServer.start();
    });
    afterEach(() => server.close());

    it('sends the JSON schema as format, unstreamed, with keep_alive and the sampling options', async () => {
      server.enqueue({ content: { narration: 'ok', hp: 1 } });
      await make(server.url).generate(outcomeRequest({ maxTokens: 64, temperature: 0.2 }));
      expect(server.requests[0]?.body).toMatchObject({
        format: z.toJSONSchema(Outcome),
        stream: false,
        keep_alive: '30m',
        options: { num_predict: 64, temperature: 0.2 },
      });
    });

    it('takes keep_alive from the options', async () => {
      server.enqueue({ content: { narration: 'ok', hp: 1 } });
      await make(`${server.url}/`, -1).generate(outcomeRequest());
      expect(server.requests[0]?.body).toMatchObject({ keep_alive: -1 });
    });
  });
});
