import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Metrics } from '../../infrastructure/metrics.ts';

/** GET /metrics in Prometheus' text format. */
export const metricsPlugin = fp(async (app: FastifyInstance, deps: { metrics: Metrics }) => {
  app.get('/metrics', { config: { rateLimit: false } }, async (_request, reply) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
});
