import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { SocketShutdown } from './socket-shutdown.ts';

describe('SocketShutdown', () => {
  let server: WebSocketServer | undefined;
  afterEach(async () => {
    server?.close();
  });

  /** A server whose sockets are tracked and record a leave on close that finishes when told to. */
  async function serve(shutdown: SocketShutdown, leave: () => Promise<unknown>) {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    server.on('connection', (socket) => {
      shutdown.opened(socket);
      socket.on('close', () => shutdown.recording(leave()));
    });
    return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function connect(url: string) {
    const client = new WebSocket(url);
    await once(client, 'open');
    const closed = once(client, 'close').then(([code, reason]) => ({
      code: code as number,
      reason: String(reason),
    }));
    return { client, closed };
  }

  it('sends the close code and reason, then waits for the leaves the closes record', async () => {
    const shutdown = new SocketShutdown();
    let finishLeave!: () => void;
    const leaveRecorded = new Promise<void>((resolve) => {
      finishLeave = resolve;
    });
    const url = await serve(shutdown, () => leaveRecorded);
    const accepted = once(server!, 'connection');
    const { closed } = await connect(url);
    await accepted;

    let stopped = false;
    const stopping = shutdown.closeAll(1001, 'server shutting down').then(() => {
      stopped = true;
    });
    expect(await closed).toEqual({ code: 1001, reason: 'server shutting down' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    finishLeave();
    await stopping;
    expect(stopped).toBe(true);
  });

  it('closes at once a socket that opens while stopping', async () => {
    const shutdown = new SocketShutdown();
    const url = await serve(shutdown, async () => {});
    await shutdown.closeAll(1001, 'server shutting down');
    const { closed } = await connect(url);
    expect(await closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });

  it('cuts a client that does not answer the close frame, and still records its leave', async () => {
    const shutdown = new SocketShutdown();
    let left = 0;
    const url = await serve(shutdown, async () => {
      left++;
    });
    const accepted = once(server!, 'connection');
    const { client } = await connect(url);
    await accepted;
    // The client reads nothing more: it never sees the close frame, so never answers it.
    (client as unknown as { _socket: { pause(): void } })._socket.pause();
    await shutdown.closeAll(1001, 'server shutting down', 50);
    expect(left).toBe(1);
    client.terminate();
  });
});
