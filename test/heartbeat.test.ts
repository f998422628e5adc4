import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { connectPacer, GameClient, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

// 30 s in production: a few rounds fit in a test here.
vi.mock('../src/limits.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/limits.ts')>();
  return { ...original, limits: { ...original.limits, wsHeartbeatMs: 300 } };
});

describe('the WebSocket heartbeat over the real server', () => {
  let server: TestSystem;
  const clients: GameClient[] = [];
  beforeAll(async () => {
    server = await startTestSystem();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.stop();
  });

  it('cuts a connection that answers no ping (died without a close), and keeps one that does', async () => {
    const { token } = await register(server.baseUrl, 'quiet');
    const lively = await GameClient.connect(server.baseUrl, token);
    clients.push(lively);
    await connectPacer.slot();
    // As a connection whose network is gone: it never answers the server's pings.
    const dead = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/ws`, {
      headers: { authorization: `Bearer ${token}` },
      autoPong: false,
    });
    let pinged = 0;
    dead.on('ping', () => {
      pinged += 1;
    });
    const closed = new Promise<number>((resolve) => dead.once('close', (code) => resolve(code)));
    expect(await closed).toBe(1006);
    expect(pinged).toBeGreaterThan(0);
    expect(lively.socket.readyState).toBe(WebSocket.OPEN);
    expect(lively.closeCode).toBeUndefined();
  });
});
