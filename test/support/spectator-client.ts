import { httpPacer } from './game-client.ts';

export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  /** A comment line (`: …`), kept to tell when the stream is open. */
  comment?: string;
}

/** A Server-Sent Events reader over plain fetch, as a dashboard would read GET /spectate/:locationId. */
export class SpectatorClient {
  readonly messages: SseMessage[] = [];
  /** Resolves when the server ends the body (or the client aborts it). */
  readonly ended: Promise<void>;
  /** How the body ended: the server ended it, or it broke (or was aborted). */
  endedBy: 'server' | 'error' | undefined;
  private readonly waiters: { match: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void }[] = [];

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.ended = this.read();
  }

  static async open(
    baseUrl: string,
    locationId: string,
    lastEventId?: string,
  ): Promise<{ status: number; client?: SpectatorClient; body?: unknown }> {
    await httpPacer.slot();
    const abort = new AbortController();
    const response = await fetch(`${baseUrl}/spectate/${encodeURIComponent(locationId)}`, {
      headers: lastEventId === undefined ? {} : { 'last-event-id': lastEventId },
      signal: abort.signal,
    });
    if (response.status !== 200) return { status: response.status, body: await response.json() };
    const client = new SpectatorClient(response, abort);
    await client.waitFor((m) => m.comment?.startsWith('spectating') === true);
    return { status: 200, client };
  }

  /** The events received (comments left out). */
  get events(): (SseMessage & { id: string; event: string; data: string })[] {
    return this.messages.filter((m) => m.comment === undefined) as never;
  }

  waitFor(match: (m: SseMessage) => boolean, timeoutMs = 10_000): Promise<SseMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(this.messages)}`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  close(): Promise<void> {
    this.abort.abort();
    return this.ended;
  }

  private async read(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of this.response.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          this.record(parse(buffer.slice(0, end)));
          buffer = buffer.slice(end + 2);
        }
      }
      this.endedBy = 'server';
    } catch {
      this.endedBy = 'error';
    }
  }

  private record(message: SseMessage): void {
    this.messages.push(message);
    for (const waiter of [...this.waiters])
      if (waiter.match(message)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
  }
}

function parse(block: string): SseMessage {
  const message: SseMessage = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) message.comment = line.slice(1).trim();
    else {
      const colon = line.indexOf(':');
      const field = line.slice(0, colon) as 'id' | 'event' | 'data';
      message[field] = line.slice(colon + 1).replace(/^ /, '');
    }
  }
  return message;
}
