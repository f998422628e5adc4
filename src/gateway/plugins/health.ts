import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { withTimeout } from '../../infrastructure/timeout.ts';
import type { GatewayDeps } from '../deps.ts';

const CHECK_TIMEOUT_MS = 2_000;

/** GET /health: every component with its status; 503 when one is down. */
export const healthPlugin = fp(async (app: FastifyInstance, deps: Pick<GatewayDeps, 'healthChecks'>) => {
  app.get('/health', { config: { rateLimit: false } }, async (_request, reply) => {
    const entries = await Promise.all(
      Object.entries(deps.healthChecks).map(async ([name, check]) => {
        const started = performance.now();
        try {
          const details = await withTimeout(
            check(),
            CHECK_TIMEOUT_MS,
            () => new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`),
          );
          return [
            name,
            { status: 'up', latency_ms: Math.round(performance.now() - started), ...details },
          ] as const;
        } catch (error) {
          return [name, { status: 'down', error: (error as Error).message }] as const;
        }
      }),
    );
    const components = Object.fromEntries(entries);
    const up = entries.every(([, c]) => c.status === 'up');
    return reply.code(up ? 200 : 503).send({ status: up ? 'ok' : 'degraded', components });
  });
});
