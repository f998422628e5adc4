import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { GatewayDeps } from '../deps.ts';

const CHECK_TIMEOUT_MS = 2_000;

/** GET /health: every component with its status; 503 when one is down. */
export const healthPlugin = fp(async (app: FastifyInstance, deps: Pick<GatewayDeps, 'healthChecks'>) => {
  app.get('/health', { config: { rateLimit: false } }, async (_request, reply) => {
    const entries = await Promise.all(
      Object.entries(deps.healthChecks).map(async ([name, check]) => {
        const started = performance.now();
        try {
          const details = await withTimeout(check(), CHECK_TIMEOUT_MS);
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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
