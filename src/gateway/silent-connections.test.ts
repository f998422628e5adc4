import { once } from 'node:events';
import { Agent, createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SilentConnections } from './silent-connections.ts';

describe('SilentConnections', () => {
  let server: Server;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    server.closeAllConnections();
    if (server.listening) await new Promise((resolve) => server.close(resolve));
  });

  async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void) {
    server = createServer(handler);
    // No keep-alive timeout: an idle kept-alive connection stays open for as long as the client likes.
    server.keepAliveTimeout = 0;
    const connections = new SilentConnections(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { connections, port: (server.address() as { port: number }).port };
  }

  /** Opens a connection and waits until the server has accepted it. */
  async function open(port: number): Promise<Socket> {
    const accepted = once(server, 'connection');
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    await accepted;
    return socket;
  }

  it('hangs up on a connection that sent nothing, so that server.close() completes', async () => {
    const { connections, port } = await listen((_request, response) => response.end('ok'));
    const silent = await open(port);
    const closed = once(silent, 'close');
    const serverClosed = new Promise((resolve) => server.close(resolve));
    connections.hangUp();
    await closed;
    await serverClosed;
    expect(silent.bytesRead).toBe(0);
  });

  it('lets a request under way be answered in full, then hangs up on its kept-alive connection', async () => {
    let answer: (() => void) | undefined;
    const { connections, port } = await listen((_request, response) => {
      answer = () => response.end('the answer');
    });
    const agent = new Agent({ keepAlive: true });
    const responded = new Promise<IncomingMessage>((resolve) =>
      get({ port, host: '127.0.0.1', agent, path: '/' }, resolve),
    );
    await once(server, 'request');
    const serverClosed = new Promise((resolve) => server.close(resolve));
    connections.hangUp();
    answer!();
    const response = await responded;
    response.setEncoding('utf8');
    let body = '';
    for await (const chunk of response) body += chunk;
    expect(body).toBe('the answer');
    await serverClosed;
    agent.destroy();
  });

  it('leaves an upgraded connection to its owner', async () => {
    const { connections, port } = await listen(() => {});
    const upgraded = new Promise<Socket>((resolve) =>
      server.on('upgrade', (_request, socket: Socket) => {
        socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
        resolve(socket);
      }),
    );
    const client = await open(port);
    client.write('GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\n');
    const serverSide = await upgraded;
    connections.hangUp();
    // The upgraded connection still carries data both ways.
    serverSide.write('still here');
    const heard = await new Promise<string>((resolve) =>
      client.on('data', (data: Buffer) => {
        if (data.toString().includes('still here')) resolve('still here');
      }),
    );
    expect(heard).toBe('still here');
    expect(serverSide.destroyed).toBe(false);
    serverSide.destroy();
  });
});
