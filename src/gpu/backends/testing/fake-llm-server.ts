import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How the fake answers one request. Without `status` or `destroy` it answers 200 in the wire format of
 * the route that was called; `content` is the model's message (objects are JSON-encoded, strings sent as is).
 */
export interface ScriptedReply {
  content?: unknown;
  promptTokens?: number;
  completionTokens?: number;
  /** Wait this long before answering (or before destroying the socket). */
  delayMs?: number;
  /** Answer with this status and `body` (default: a JSON error object). */
  status?: number;
  body?: string;
  /** Destroy the socket instead of answering. */
  destroy?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (the text if it is not JSON), or undefined for a GET. */
  body: unknown;
}

/**
 * An HTTP server for adapter tests that speaks Ollama's native API (/api/chat, /api/tags) and the OpenAI
 * API (/v1/chat/completions, /v1/models). Each request takes the next scripted reply, or a default success.
 * It only exercises the adapters' wire behaviour; it is no stand-in for a real model server.
 */
export class FakeLlmServer {
  readonly requests: RecordedRequest[] = [];
  private readonly script: ScriptedReply[] = [];
  private readonly server = createServer((req, res) => void this.handle(req, res));

  private constructor() {}

  static async start(): Promise<FakeLlmServer> {
    const fake = new FakeLlmServer();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queue replies for the next requests, in order. */
  enqueue(...replies: ScriptedReply[]): this {
    this.script.push(...replies);
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += chunk;
    const recorded = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body: parseJson(text),
    };
    this.requests.push(recorded);
    const reply = this.script.shift() ?? {};
    const timer = setTimeout(() => this.answer(res, recorded, reply), reply.delayMs ?? 0);
    res.on('close', () => clearTimeout(timer));
  }

  private answer(res: ServerResponse, request: RecordedRequest, reply: ScriptedReply): void {
    if (reply.destroy) {
      res.socket?.destroy();
      return;
    }
    if (reply.status !== undefined) {
      const body = reply.body ?? JSON.stringify({ error: `scripted status ${reply.status}` });
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const model = (request.body as { model?: string } | undefined)?.model ?? 'fake-model';
    const content = typeof reply.content === 'string' ? reply.content : JSON.stringify(reply.content ?? {});
    const prompt = reply.promptTokens ?? 10;
    const completion = reply.completionTokens ?? 5;
    const routes: Record<string, () => unknown> = {
      'POST /api/chat': () => ({
        model,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: prompt,
        eval_count: completion,
      }),
      'GET /api/tags': () => ({ models: [{ name: 'fake-model', model: 'fake-model' }] }),
      'POST /v1/chat/completions': () => ({
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      }),
      'GET /v1/models': () => ({ object: 'list', data: [{ id: 'fake-model', object: 'model' }] }),
    };
    const route = routes[`${request.method} ${request.path}`];
    if (!route) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'no such route' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(route()));
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
