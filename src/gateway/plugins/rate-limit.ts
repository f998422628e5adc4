import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { limits } from '../../limits.ts';
import { apiError, type GatewayDeps } from '../deps.ts';

/** The seed's per-IP HTTP limit, shared through Redis when several gateways run. */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance, deps: Pick<GatewayDeps, 'redis' | 'redisPrefix'>) => {
    await app.register(rateLimit, {
      global: true,
      max: limits.apiRequestsPerSecondPerIp,
      timeWindow: 1000,
      ...(deps.redis ? { redis: deps.redis, nameSpace: `${deps.redisPrefix ?? 'langomni:'}ratelimit:` } : {}),
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        ...apiError(
          'rate_limited',
          `too many requests: at most ${context.max} per second; retry in ${context.after}`,
        ),
      }),
    });
  },
);
