import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/**
 * Keeps a test within the seed's limits, as a polite client would: at most `perSecond` starts in
 * any one-second window (the server enforces per-IP and per-player limits, and every test is 127.0.0.1).
 */
export class Pacer {
  private readonly starts: number[] = [];
  constructor(private readonly perSecond: number) {}

  async slot(): Promise<void> {
    for (;;) {
      const now = Date.now();
      while (this.starts.length > 0 && now - this.starts[0]! >= 1050) this.starts.shift();
      if (this.starts.length < this.perSecond) {
        this.starts.push(now);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1050 - (now - this.starts[0]!)));
    }
  }
}

/** Shared by every client in a test process: the server counts per IP. */
export const httpPacer = new Pacer(9);
export const connectPacer = new Pacer(4);

export interface Frame {
  type: string;
  id?: string;
  [key: string]: unknown;
}

/**
 * A scripted player speaking the WebSocket protocol, as a browser would. `frames` holds every frame as
 * received (batch frames `{"type":"events"}` included) and, after each batch, its events one by one
 * as `{"type":"event",…}` frames.
 */
export class GameClient {
  readonly frames: Frame[] = [];
  private readonly waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private readonly actionPacer = new Pacer(4);
  closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.record(frame);
      // A batch of broadcasts is also recorded event by event, as protocol 1 sent them.
      if (frame.type === 'events' && Array.isArray(frame.events))
        for (const event of frame.events as Record<string, unknown>[])
          this.record({ ...event, type: 'event' });
    });
    socket.on('close', (code) => {
      this.closeCode = code;
    });
  }

  private record(frame: Frame): void {
    this.frames.push(frame);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(frame)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  }

  static async connect(baseUrl: string, token: string): Promise<GameClient> {
    await connectPacer.slot();
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const client = new GameClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** The first frame (already received or still to come) that matches. */
  waitFor(match: (f: Frame) => boolean, timeoutMs = 10_000, since = 0): Promise<Frame> {
    const seen = this.frames.slice(since).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
      });
    });
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  /** Sends an action and waits for its answer (an action_result or an error with the same id). */
  async act(data: Record<string, unknown>, id: string = randomUUID()): Promise<Frame> {
    await this.actionPacer.slot();
    // Unique across reloads and processes (a UUID): the server keeps an action's id for 24 h to spot retries.
    const since = this.frames.length;
    this.socket.send(JSON.stringify({ type: 'action', id, data }));
    return this.waitFor(
      (f) => f.id === id && (f.type === 'action_result' || f.type === 'error'),
      10_000,
      since,
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}

export async function register(
  baseUrl: string,
  username: string,
  password = 'correct horse',
): Promise<{ token: string; player_id: string }> {
  await httpPacer.slot();
  const response = await fetch(`${baseUrl}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 201)
    throw new Error(`register ${username}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { token: string; player_id: string };
}
