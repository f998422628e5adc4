import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { limits } from '../../limits.ts';
import { ConnectionPacer } from '../connection-pacer.ts';

/**
 * New TCP connections are read at most `limits.newConnectionsPerSecond` a second (see
 * ConnectionPacer): a connect storm is spread over seconds instead of stalling the players in the world.
 */
export const connectionPacingPlugin = fp(async (app: FastifyInstance) => {
  const pacer = new ConnectionPacer(limits.newConnectionsPerSecond, limits.newConnectionsBurst);
  // net.Server's own switch (set from its constructor's `pauseOnConnect` option, which http.Server
  // does not pass on): each accepted socket starts paused, and nothing is read until it is resumed.
  (app.server as unknown as { pauseOnConnect: boolean }).pauseOnConnect = true;
  app.server.on('connection', (socket) => pacer.admit(socket));
  app.addHook('onClose', async () => pacer.close());
});
