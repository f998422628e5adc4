import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../infrastructure/logger.ts';
import { limits } from '../limits.ts';
import { apiError, type GatewayDeps } from './deps.ts';
import { adminPlugin } from './plugins/admin.ts';
import { authPlugin } from './plugins/auth.ts';
import { connectionPacingPlugin } from './plugins/connection-pacing.ts';
import { healthPlugin } from './plugins/health.ts';
import { metricsListenerPlugin } from './plugins/metrics.ts';
import { overloadPlugin } from './plugins/overload.ts';
import { playersPlugin } from './plugins/players.ts';
import { RateLimitedError, rateLimitPlugin } from './plugins/rate-limit.ts';
import { requestTextPlugin } from './plugins/request-text.ts';
import { searchPlugin } from './plugins/search.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { spectatePlugin } from './plugins/spectate.ts';
import { staticClientPlugin } from './plugins/static-client.ts';
import { websocketPlugin } from './plugins/websocket.ts';
import { websocketOriginPlugin } from './plugins/websocket-origin.ts';
import { SilentConnections } from './silent-connections.ts';

/** The Fastify gateway: one plugin per concern. */
export async function buildGateway(deps: GatewayDeps, logger: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: limits.maxHttpBodyBytes,
    trustProxy: deps.trustProxy?.length ? deps.trustProxy : false,
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    const code =
      status === 429
        ? 'rate_limited'
        : status === 413
          ? 'payload_too_large'
          : status === 415
            ? 'unsupported_media_type'
            : status >= 500
              ? 'internal_error'
              : 'invalid_request';
    const message = status >= 500 ? 'something went wrong on our side' : error.message;
    const details = error instanceof RateLimitedError ? { retry_after_ms: error.retryAfterMs } : undefined;
    return reply.code(status).send(apiError(code, message, details));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(apiError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  await app.register(securityHeadersPlugin);
  await app.register(websocketOriginPlugin, deps);
  await app.register(requestTextPlugin);
  await app.register(connectionPacingPlugin);
  await app.register(overloadPlugin);
  await app.register(rateLimitPlugin, deps);
  await app.register(healthPlugin, deps);
  await app.register(metricsListenerPlugin, deps);
  if (deps.role !== 'projector') {
    await app.register(authPlugin, deps);
    await app.register(playersPlugin, deps);
    await app.register(searchPlugin, { db: deps.readModels });
    await app.register(spectatePlugin, deps);
    await app.register(websocketPlugin, deps);
  }
  await app.register(adminPlugin, deps);
  if (deps.role !== 'projector') await app.register(staticClientPlugin);
  // Added last, so it runs after the other preClose hooks have ended the streams and closed the sockets.
  const connections = new SilentConnections(app.server);
  app.addHook('preClose', async () => connections.hangUp());
  return app;
}
