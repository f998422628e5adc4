import { randomUUID } from 'node:crypto';
import { createConnection, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { limits } from '../src/limits.ts';
import { connectPacer, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

// The shipped threshold (4 KiB) is above every frame a test can provoke by playing; at 2 KiB a
// 500-character `say` result (~3.1 KB) is over it and a `look` (~1.75 KB) under it.
vi.mock('../src/limits.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/limits.ts')>();
  return { ...original, limits: { ...original.limits, wsCompressionThresholdBytes: 2048 } };
});

/** One data frame as it crossed the wire (server frames are unmasked and never fragmented by ws). */
interface WireFrame {
  compressed: boolean;
  wireBytes: number;
}

/**
 * A player whose socket's bytes are read as they arrive: each data frame's RSV1 bit (0x40 of the
 * first byte, set on a permessage-deflate message) and size, next to the message ws decoded from it.
 */
class WireClient {
  readonly wire: WireFrame[] = [];
  readonly messages: { text: string; bytes: number }[] = [];
  closed: Promise<{ code: number; reason: string }>;
  tcp: Socket | undefined;
  private pending = Buffer.alloc(0);
  /** The HTTP response head (101 Switching Protocols) comes first on the wire; frames after it. */
  private headRead = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.messages.push({ text: data.toString('utf8'), bytes: data.byteLength });
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }

  static async connect(baseUrl: string, token: string, offerDeflate: boolean): Promise<WireClient> {
    await connectPacer.slot();
    let client: WireClient | undefined;
    let tcp: Socket | undefined;
    // Every byte is watched from the socket's first: the first frames may arrive in the same chunk as
    // the upgrade's response, before any 'upgrade' listener could attach to the socket.
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, {
      headers: { authorization: `Bearer ${token}` },
      perMessageDeflate: offerDeflate,
      createConnection: (options: object) => {
        tcp = createConnection(options as unknown as Parameters<typeof createConnection>[0]);
        tcp.on('data', (chunk: Buffer) => client?.read(chunk));
        return tcp;
      },
    });
    client = new WireClient(socket);
    client.tcp = tcp;
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await client.next((f) => f['type'] === 'welcome');
    return client;
  }

  read(chunk: Buffer) {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (!this.headRead) {
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) return;
      // What followed the head in that chunk comes again: ws puts it back on the socket (unshift).
      this.pending = Buffer.alloc(0);
      this.headRead = true;
      return;
    }
    for (;;) {
      if (this.pending.length < 2) return;
      const first = this.pending[0]!;
      let length = this.pending[1]! & 0x7f;
      let header = 2;
      if (length === 126) {
        if (this.pending.length < 4) return;
        length = this.pending.readUInt16BE(2);
        header = 4;
      } else if (length === 127) {
        if (this.pending.length < 10) return;
        length = Number(this.pending.readBigUInt64BE(2));
        header = 10;
      }
      if (this.pending.length < header + length) return;
      const opcode = first & 0x0f;
      if (opcode === 0x1 || opcode === 0x2)
        this.wire.push({ compressed: (first & 0x40) !== 0, wireBytes: length });
      this.pending = this.pending.subarray(header + length);
    }
  }

  /** The wire frame and decoded message of the first message (from `since`) that matches. */
  async next(match: (frame: Record<string, unknown>) => boolean, since = 0) {
    // Generous: a loaded CI runner may take seconds to welcome a socket; nothing here is timed.
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const index = this.messages.findIndex((m, i) => i >= since && match(JSON.parse(m.text)));
      // The wire bytes of a frame arrive before ws emits its message: the two lists line up.
      if (index >= 0 && this.wire[index])
        return {
          message: this.messages[index]!,
          wire: this.wire[index]!,
          frame: JSON.parse(this.messages[index]!.text),
        };
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no matching frame; got ${this.messages.map((m) => m.text.slice(0, 80)).join('\n')}`);
  }

  async act(data: Record<string, unknown>) {
    const id = randomUUID();
    const since = this.messages.length;
    this.socket.send(JSON.stringify({ type: 'action', id, data }));
    return this.next((f) => f['id'] === id, since);
  }
}

describe('permessage-deflate on /ws', { timeout: 180_000 }, () => {
  let server: TestSystem;
  const clients: WireClient[] = [];
  const connect = async (name: string, offerDeflate: boolean) => {
    const { token } = await register(server.baseUrl, `${name}${randomUUID().slice(0, 6)}`);
    const client = await WireClient.connect(server.baseUrl, token, offerDeflate);
    clients.push(client);
    // As the browser client does: start the stream (nothing to catch up on), so news come live.
    const welcome = await client.next((f) => f['type'] === 'welcome');
    client.socket.send(JSON.stringify({ type: 'resume', after: welcome.frame['position'] }));
    await client.next((f) => f['type'] === 'resumed');
    return client;
  };

  beforeAll(async () => {
    server = await startTestSystem();
  });
  afterAll(async () => {
    for (const client of clients) client.socket.terminate();
    await server?.stop();
  });

  it('is negotiated with a client that offers it: frames over the threshold arrive compressed, others plain', async () => {
    const client = await connect('deflater', true);
    expect(client.socket.extensions).toContain('permessage-deflate');
    expect(limits.wsCompressionThresholdBytes).toBe(2048);

    const said = await client.act({ action_type: 'say', message: '€'.repeat(500) });
    expect(said.frame).toMatchObject({ type: 'action_result', result: { action_type: 'say' } });
    expect(said.message.bytes).toBeGreaterThan(limits.wsCompressionThresholdBytes);
    expect(said.wire.compressed).toBe(true);
    expect(said.wire.wireBytes).toBeLessThan(said.message.bytes / 2);

    const look = await client.act({ action_type: 'look' });
    expect(look.frame).toMatchObject({ type: 'action_result', result: { action_type: 'look' } });
    expect(look.message.bytes).toBeLessThanOrEqual(limits.wsCompressionThresholdBytes);
    expect(look.wire).toEqual({ compressed: false, wireBytes: look.message.bytes });

    const since = client.messages.length;
    client.socket.send(JSON.stringify({ type: 'ping', id: 'p1' }));
    const pong = await client.next((f) => f['id'] === 'p1', since);
    expect(pong.wire).toEqual({ compressed: false, wireBytes: pong.message.bytes });
  });

  it('sends plain frames, as before, to a client that does not offer it', async () => {
    const client = await connect('plain', false);
    expect(client.socket.extensions).toBe('');
    const said = await client.act({ action_type: 'say', message: '€'.repeat(500) });
    expect(said.frame).toMatchObject({ type: 'action_result', result: { action_type: 'say' } });
    expect(said.message.bytes).toBeGreaterThan(limits.wsCompressionThresholdBytes);
    expect(said.wire).toEqual({ compressed: false, wireBytes: said.message.bytes });
    expect(client.wire.every((f) => !f.compressed)).toBe(true);
  });

  it('never compresses broadcasts (one buffer for many recipients), however large', async () => {
    const speaker = await connect('speaker', true);
    const listener = await connect('listener', true);
    // 500 euro signs are 1,500 bytes of UTF-8: the `events` frame that carries them is over the threshold.
    const line = '€'.repeat(500);
    const said = await speaker.act({ action_type: 'say', message: line });
    expect(said.frame).toMatchObject({ type: 'action_result' });
    const heard = await listener.next(
      (f) => f['type'] === 'events' && JSON.stringify(f['events']).includes(line),
    );
    expect(heard.message.bytes).toBeGreaterThan(limits.wsCompressionThresholdBytes);
    expect(heard.wire).toEqual({ compressed: false, wireBytes: heard.message.bytes });
  });

  it('refuses a small compressed frame that inflates past the hard limit, closing with 1009', async () => {
    const client = await connect('bomber', true);
    // Between maxFrameBytes and the hard limit (4 ×) once inflated: an error frame, the socket stays.
    const large = JSON.stringify({
      type: 'action',
      id: 'big',
      data: { action_type: 'say', message: 'a'.repeat(limits.maxFrameBytes + 10) },
    });
    const since = client.messages.length;
    client.socket.send(large, { compress: true });
    const refused = await client.next((f) => f['type'] === 'error', since);
    expect(refused.frame).toMatchObject({ code: 'frame_too_large' });
    expect(client.socket.readyState).toBe(WebSocket.OPEN);

    // A few hundred bytes on the wire, more than 4 × maxFrameBytes inflated: closed with 1009.
    const bomb = 'a'.repeat(limits.maxFrameBytes * 4 + 1);
    const before = client.tcp!.bytesWritten;
    client.socket.send(bomb, { compress: true });
    const closed = await client.closed;
    expect(client.tcp!.bytesWritten - before).toBeLessThan(1024);
    expect(closed.code).toBe(1009);
  });
});
