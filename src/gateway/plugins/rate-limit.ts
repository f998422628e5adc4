import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { limits } from '../../limits.ts';
import type { GatewayDeps } from '../deps.ts';
import { fetchesClientFile } from './static-client.ts';

/** What a 429 throws; the gateway's error handler turns it into `rate_limited` with retry_after_ms. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly statusCode = 429;
  readonly code = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** The seed's per-IP HTTP limit, shared through Redis when several gateways run. */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, deps: Pick<GatewayDeps, 'redis' | 'redisPrefix'>) => {
    await app.register(rateLimit, {
      global: true,
      max: limits.apiRequestsPerSecondPerIp,
      timeWindow: 1000,
      allowList: (request) => fetchesClientFile(request.method, request.url),
      ...(deps.redis ? { redis: deps.redis, nameSpace: `${deps.redisPrefix ?? 'langomni:'}ratelimit:` } : {}),
      errorResponseBuilder: (_request, context) =>
        new RateLimitedError(
          `too many requests: at most ${context.max} per second from one address; retry in ${context.after}`,
          context.ttl,
        ),
    });
  },
);
