import { afterEach, describe, expect, it, vi } from 'vitest';
import { type SimulatedModelOptions, SimulatedModelServer } from '../bench/lanes/simulated-model-server.ts';
import { type ChatMessage, LlmBackendError } from '../src/gpu/backends/llm-backend.ts';
import { OpenAiCompatibleBackend } from '../src/gpu/backends/openai-compatible-backend.ts';
import { probeServerCapacity } from '../src/gpu/backends/server-capacity.ts';
import { commandOutputSchema } from '../src/gpu/command-interpreter/command-prompt.ts';
import { wordingOutputSchema } from '../src/gpu/npc-life/conversation-wording.ts';
import { npcOutputSchema, worldOutputSchema } from '../src/gpu/prompts/schemas.ts';
import { countPromptTokens } from '../src/gpu/prompts/testing/prompt-tokens.ts';

const FAST: SimulatedModelOptions = {
  model: 'simulated',
  generationTokensPerSecond: [1e6, 1e6],
  promptTokensPerSecond: [1e7, 1e7],
  completionTokens: { world_outcome: [40, 90], npc_reply: [30, 70] },
  otherCompletionTokens: [20, 40],
  batchPenalty: 0.1,
  maxRunningRequests: 16,
};

const SYSTEM: ChatMessage = {
  role: 'system',
  content: 'You narrate a text adventure.  The square: a fountain, lanterns, a well. \n',
};
const effects = [{ kind: 'move', to: 'market' }];
const LOOK: ChatMessage = {
  role: 'user',
  content: `The player goes north.\neffects: ${JSON.stringify(effects)}`,
};

const servers: SimulatedModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function started(options: Partial<SimulatedModelOptions> = {}) {
  const server = new SimulatedModelServer('world-1', { ...FAST, ...options }, 'test-seed');
  servers.push(server);
  const url = await server.start();
  return { server, backend: new OpenAiCompatibleBackend({ baseUrl: url, model: 'simulated' }), url };
}

describe('the simulated model server (bench lanes)', () => {
  it('answers the world lane through the product OpenAI-compatible backend with the suggested effects', async () => {
    // Given a simulated server
    const { backend } = await started();
    // When the world lane asks it for an outcome
    const answer = await backend.generate({
      messages: [SYSTEM, LOOK],
      schema: worldOutputSchema,
      schemaName: 'world_outcome',
      maxTokens: 200,
      timeoutMs: 10_000,
    });
    // Then the outcome fits the schema and carries the rules' effects, and usage counts Llama 3 tokens
    expect(answer.output.effects).toEqual(effects);
    expect(answer.promptTokens).toBe(countPromptTokens([SYSTEM, LOOK]));
    expect(answer.completionTokens).toBeGreaterThanOrEqual(40);
    expect(answer.completionTokens).toBeLessThanOrEqual(90);
  });

  it('cuts an answer longer than max_tokens mid-JSON, as a server does, and answers other schemas in their shape', async () => {
    // Given a server whose NPC replies are 30-70 tokens long
    const { server, backend } = await started();
    // When the lane allows 10 tokens
    const cut = backend.generate({
      messages: [SYSTEM, { role: 'user', content: 'hello' }],
      schema: npcOutputSchema,
      schemaName: 'npc_reply',
      maxTokens: 10,
      timeoutMs: 10_000,
    });
    // Then the answer is cut (not JSON) and counted so
    await expect(cut).rejects.toMatchObject({ failure: 'malformed' });
    expect(server.stats()).toMatchObject({ cutAtMaxTokens: 1, completionTokens: 10 });
    const wording = await backend.generate({
      messages: [{ role: 'system', content: 'Answer with JSON, exactly 3 lines.' }, LOOK],
      schema: wordingOutputSchema,
      schemaName: 'npc_conversation',
      timeoutMs: 10_000,
    });
    expect(wording.output.lines).toHaveLength(3);
    const command = await backend.generate({
      messages: [SYSTEM, { role: 'user', content: 'look' }],
      schema: commandOutputSchema,
      schemaName: 'command_actions',
      timeoutMs: 10_000,
    });
    expect(command.output).toEqual({ actions: [] });
  });

  it('counts the longest prefix of whole messages it has processed before as cached', async () => {
    // Given a server that has answered one request
    const { server, backend } = await started();
    const ask = (messages: ChatMessage[]) =>
      backend.generate({
        messages,
        schema: worldOutputSchema,
        schemaName: 'world_outcome',
        timeoutMs: 10_000,
      });
    await ask([SYSTEM, LOOK]);
    expect(server.stats().cachedPromptTokens).toBe(0);
    // When another request shares its system message
    await ask([SYSTEM, { role: 'user', content: 'The player looks around.\neffects: []' }]);
    // Then the system message's tokens are cached (its template tokens included), the rest not
    const systemTokens = countPromptTokens([SYSTEM]) - 4;
    expect(server.stats().cachedPromptTokens).toBe(systemTokens);
    // And a different first message shares nothing
    await ask([{ role: 'system', content: 'Another card.' }, LOOK]);
    expect(server.stats().cachedPromptTokens).toBe(systemTokens);
    expect(server.stats()).toMatchObject({
      requests: 3,
      completed: 3,
      bySchema: { world_outcome: { requests: 3 } },
    });
  });

  it('reports its batch to the capacity probe and its model to a ping', async () => {
    const { backend, url } = await started({ maxRunningRequests: 12 });
    await backend.ping();
    const capacity = await probeServerCapacity({
      baseUrl: url,
      model: 'simulated',
      headers: {},
      timeoutMs: 5_000,
    });
    expect(capacity?.maxRunning).toBe(12);
  });

  it('stops a request whose client went away', async () => {
    // Given a slow server
    const { server, backend } = await started({ generationTokensPerSecond: [1, 1] });
    const abort = new AbortController();
    const asked = backend.generate({
      messages: [SYSTEM, LOOK],
      schema: worldOutputSchema,
      schemaName: 'world_outcome',
      timeoutMs: 60_000,
      signal: abort.signal,
    });
    await vi.waitFor(() => expect(server.stats().requests).toBe(1));
    // When the client aborts
    abort.abort();
    // Then the request fails on the client and the server counts it aborted
    await expect(asked).rejects.toBeInstanceOf(LlmBackendError);
    await vi.waitFor(() => expect(server.stats().aborted).toBe(1));
    expect(server.stats().completed).toBe(0);
  });
});
