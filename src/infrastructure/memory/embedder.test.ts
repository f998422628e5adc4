import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalHashEmbedder, OllamaEmbedder } from './embedder.ts';

const cosine = (a: number[], b: number[]) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

describe('LocalHashEmbedder', () => {
  const embedder = new LocalHashEmbedder();

  it('embeds each text into 384 unit-length dimensions, deterministically', async () => {
    const [a, b] = await embedder.embed([
      'The dragon sleeps under the hill.',
      'The dragon sleeps under the hill.',
    ]);
    expect(embedder.dimensions).toBe(384);
    expect(a).toHaveLength(384);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 12);
    expect(b).toEqual(a);
    expect(await new LocalHashEmbedder().embed(['The dragon sleeps under the hill.'])).toEqual([a]);
  });

  it('finds texts that share words more similar than texts that do not', async () => {
    const [query, same, other] = await embedder.embed([
      'who has stolen the hammer?',
      'the hammer was stolen from the smithy',
      'the baker sells fresh bread at dawn',
    ]);
    expect(cosine(query!, same!)).toBeGreaterThan(0.3);
    expect(cosine(query!, same!)).toBeGreaterThan(cosine(query!, other!) + 0.3);
  });

  it('matches inflections and ignores case and stop words', async () => {
    const [plural, singular, stopWordsOnly] = await embedder.embed([
      'Dragons attacked',
      'the dragon attacks',
      'the and of',
    ]);
    expect(cosine(plural!, singular!)).toBeCloseTo(1, 12);
    expect(stopWordsOnly!.every((value) => value === 0)).toBe(true);
  });

  it('embeds an empty batch to an empty list', async () => {
    expect(await embedder.embed([])).toEqual([]);
  });
});

/** Answers POST /api/embed the way Ollama does. Only for the adapter's wire behaviour: no model runs here. */
describe('OllamaEmbedder (wire behaviour against a fake /api/embed)', () => {
  const requests: { method?: string; url?: string; body: unknown }[] = [];
  let reply: (body: { model: string; input: string[] }, res: ServerResponse) => void;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = JSON.parse(text);
    requests.push({ method: req.method, url: req.url, body });
    reply(body, res);
  });
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const answerWithDimensions =
    (dimensions: number) => (body: { model: string; input: string[] }, res: ServerResponse) =>
      json(res, 200, {
        model: body.model,
        embeddings: body.input.map((_, i) => Array.from({ length: dimensions }, (_, d) => i + d / 10)),
        total_duration: 1,
        load_duration: 0,
        prompt_eval_count: body.input.length,
      });
  let host: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    requests.length = 0;
    reply = answerWithDimensions(3);
  });

  it('posts the model and the texts to /api/embed and returns one vector per text', async () => {
    const embedder = new OllamaEmbedder({ host, model: 'nomic-embed-text' });
    expect(embedder.name).toBe('ollama:nomic-embed-text');
    const vectors = await embedder.embed(['first', 'second']);
    expect(requests).toEqual([
      { method: 'POST', url: '/api/embed', body: { model: 'nomic-embed-text', input: ['first', 'second'] } },
    ]);
    expect(vectors).toEqual([
      [0, 0.1, 0.2],
      [1, 1.1, 1.2],
    ]);
  });

  it('learns its dimensions from the first answer and refuses a different size later', async () => {
    const embedder = new OllamaEmbedder({ host, model: 'm' });
    expect(embedder.dimensions).toBe(0);
    await embedder.embed(['x']);
    expect(embedder.dimensions).toBe(3);
    reply = answerWithDimensions(5);
    await expect(embedder.embed(['y'])).rejects.toThrow(/5 dimensions, expected 3/);
  });

  it('sends nothing for an empty batch', async () => {
    expect(await new OllamaEmbedder({ host, model: 'm' }).embed([])).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('rejects with the server’s error, and when the answer does not match the texts', async () => {
    const embedder = new OllamaEmbedder({ host, model: 'missing' });
    reply = (_, res) => json(res, 404, { error: 'model "missing" not found, try pulling it first' });
    await expect(embedder.embed(['x'])).rejects.toThrow(/model "missing" not found/);
    reply = (body, res) => json(res, 200, { model: body.model, embeddings: [] });
    await expect(embedder.embed(['x'])).rejects.toThrow(/0 embeddings for 1 texts/);
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    reply = () => {};
    const embedder = new OllamaEmbedder({ host, model: 'm', timeoutMs: 100 });
    await expect(embedder.embed(['x'])).rejects.toThrow();
  });

  it('rejects when no server listens', async () => {
    const embedder = new OllamaEmbedder({ host: 'http://127.0.0.1:1', model: 'm' });
    await expect(embedder.embed(['x'])).rejects.toThrow();
  });
});
