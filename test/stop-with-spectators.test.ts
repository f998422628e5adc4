import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GameClient, register } from './support/game-client.ts';
import { SpectatorClient } from './support/spectator-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

/** Long enough for a stop that ends; one that waits on a client would run into it. */
const STOP_TEST_TIMEOUT_MS = 60_000;

/**
 * A graceful stop (server.close waits for every connection) must not wait on a client: not on a
 * spectator that went away, nor on one still watching, nor on a connection that never sent a request.
 */
describe('a graceful stop with spectators and silent connections', () => {
  let server: TestSystem | undefined;
  const players: GameClient[] = [];
  afterEach(async () => {
    await Promise.all(players.splice(0).map((player) => player.close()));
    await server?.stop();
    server = undefined;
  });

  async function startWithPlayer(name: string): Promise<TestSystem> {
    const started = await startTestSystem();
    server = started;
    // fetch keeps its connections alive: the spectator below goes over the one this request used.
    const { token } = await register(started.baseUrl, name);
    const player = await GameClient.connect(started.baseUrl, token);
    players.push(player);
    await player.waitFor((f) => f.type === 'welcome');
    return started;
  }

  async function stop(): Promise<void> {
    const stopping = server!;
    server = undefined;
    await expect(stopping.stop()).resolves.toBeUndefined();
  }

  it(
    'completes after a spectator opened the stream over a kept-alive connection and went away',
    async () => {
      const started = await startWithPlayer('ayla');
      const spectator = (await SpectatorClient.open(started.baseUrl, 'village-square')).client!;
      await spectator.close();
      expect(spectator.endedBy).toBe('error');
      await stop();
    },
    STOP_TEST_TIMEOUT_MS,
  );

  it(
    'ends the stream of a spectator still watching, then completes',
    async () => {
      const started = await startWithPlayer('bram');
      const spectator = (await SpectatorClient.open(started.baseUrl, 'village-square')).client!;
      await stop();
      await spectator.ended;
      expect(spectator.endedBy).toBe('server');
    },
    STOP_TEST_TIMEOUT_MS,
  );

  it(
    'hangs up on a connection that never sent a request, then completes',
    async () => {
      const started = await startWithPlayer('cora');
      const { port } = new URL(started.baseUrl);
      const accepted = once(started.system.gateway.server, 'connection');
      const silent = connect(Number(port), '127.0.0.1');
      const hungUp = once(silent, 'close');
      await accepted;
      await stop();
      await hungUp;
      expect(silent.bytesRead).toBe(0);
    },
    STOP_TEST_TIMEOUT_MS,
  );
});
