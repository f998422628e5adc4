import Fastify, { type FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from '../../infrastructure/metrics.ts';

/** GET /metrics in Prometheus' text format, on the given scope (the admin scope: behind ADMIN_TOKEN). */
export function registerMetricsRoute(scope: FastifyInstance, metrics: Metrics): void {
  scope.get('/metrics', { config: { rateLimit: false } }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

export interface MetricsListener {
  host: string;
  port: number;
}

/**
 * With METRICS_PORT set, /metrics is also served without a token on a listener of its own
 * (METRICS_HOST, loopback by default), for a scraper on a network that players cannot reach.
 */
export const metricsListenerPlugin = fp(
  async (app: FastifyInstance, deps: { metrics: Metrics; metricsListener?: MetricsListener }) => {
    const listener = deps.metricsListener;
    if (!listener) return;
    const server = Fastify({ loggerInstance: app.log.child({ listener: 'metrics' }) });
    registerMetricsRoute(server, deps.metrics);
    app.decorate('metricsServer', server);
    app.addHook('onReady', async () => {
      await server.listen({ host: listener.host, port: listener.port });
    });
    app.addHook('onClose', async () => {
      await server.close();
    });
  },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** The metrics listener, when METRICS_PORT is set. */
    metricsServer?: FastifyInstance;
  }
}
