import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { limits } from '../../limits.ts';
import { AdmissionControl } from '../admission.ts';
import { apiError } from '../deps.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether a new action is taken now or refused with `server_busy` (see admission.ts). */
    admission: AdmissionControl;
  }
}

/** Routes that must answer even when the server is overloaded: operators need them most then. */
const ALWAYS_SERVED = ['/health', '/metrics', '/admin/', '/ws'];

/**
 * Overload: @fastify/under-pressure watches the event loop's delay; while it is too long, HTTP
 * requests get `503 server_busy` (except health, metrics, admin and the WebSocket upgrade) and the
 * WebSocket refuses new actions through the admission control, which also watches the actions' queue.
 */
export const overloadPlugin = fp(async (app: FastifyInstance) => {
  const retryAfterSeconds = Math.ceil(limits.serverBusyRetryMs / 1000);
  await app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    sampleInterval: limits.admissionWindowMs,
    // The plugin sends what the handler returns, and lets the request through on null; its types
    // only admit void.
    pressureHandler: ((request: FastifyRequest, reply: FastifyReply) => {
      if (ALWAYS_SERVED.some((prefix) => request.url.startsWith(prefix))) return null;
      reply.code(503).header('retry-after', String(retryAfterSeconds));
      return apiError('server_busy', `the server is overloaded; retry in ${retryAfterSeconds} s`);
    }) as unknown as (request: FastifyRequest, reply: FastifyReply) => void,
  });
  app.decorate('admission', new AdmissionControl({ underPressure: () => app.isUnderPressure() }));
});
