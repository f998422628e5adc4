import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { buildWorld, WorldContentError } from '../../domain/world/world.ts';
import { loadWorldFile } from '../../infrastructure/world-file.ts';
import { limits } from '../../limits.ts';
import { apiError, type GatewayDeps } from '../deps.ts';
import { registerAnalyticsRoutes } from './analytics.ts';
import { registerMetricsRoute } from './metrics.ts';
import { registerProjectionRoutes } from './projections-admin.ts';
import { RateLimitedError } from './rate-limit.ts';

export interface AdminOptions {
  /** Admin endpoints answer 404 when no token is configured. */
  adminToken?: string;
  worldFile: string;
}

type Deps = Pick<GatewayDeps, 'runtime' | 'store' | 'projections' | 'metrics'> & AdminOptions;

/** Operators' endpoints under /admin and GET /metrics, behind a second secret (the seed: "additional auth layer"). */
export const adminPlugin = fp(async (app: FastifyInstance, deps: Deps) => {
  const token = deps.adminToken;
  if (!token) return;

  const authorized = (request: FastifyRequest) => {
    const header = request.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const expected = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  // Wrong tokens are counted per IP (shared through Redis like the other limits); past the limit the
  // IP's admin requests are refused before their token is even compared, so guessing goes no faster.
  const failures = app.createRateLimit({
    max: limits.adminAuthFailuresPerMinutePerIp,
    timeWindow: 60_000,
    keyGenerator: (request) => `admin-auth-failures:${request.ip}`,
  });

  app.register(async (admin) => {
    admin.addHook('onRequest', async (request, reply) => {
      const seen = await failures(request, { increment: false });
      if (!seen.isAllowed && seen.remaining === 0) throw tooManyFailures(seen.ttl);
      if (authorized(request)) return;
      const counted = await failures(request);
      if (!counted.isAllowed && counted.isExceeded) throw tooManyFailures(counted.ttl);
      return reply
        .code(401)
        .send(apiError('unauthorized', 'admin endpoints need Authorization: Bearer <ADMIN_TOKEN>'));
    });

    /** Loads a new world content version: the JSON body's `content`, or the world file read again. */
    admin.post('/admin/world/reload', { bodyLimit: 5 * 1024 * 1024 }, async (request, reply) => {
      const body = request.body as { content?: unknown } | undefined;
      try {
        const world =
          body?.content !== undefined
            ? buildWorld(body.content, 'request body')
            : await loadWorldFile(deps.worldFile);
        const source = body?.content !== undefined ? 'admin request' : deps.worldFile;
        const { version, changed } = await deps.runtime.load(world, source);
        return reply.send({ version, changed });
      } catch (error) {
        if (error instanceof WorldContentError) {
          return reply.code(422).send(apiError('invalid_world_content', error.message, error.problems));
        }
        throw error;
      }
    });

    registerMetricsRoute(admin, deps.metrics);
    registerAnalyticsRoutes(admin, deps);
    registerProjectionRoutes(admin, deps.projections);

    admin.get('/admin/world', async () => {
      const { content } = deps.runtime.world;
      return {
        version: content.version,
        name: content.name,
        locations: content.locations.length,
        npcs: content.npcs.length,
        quests: content.quests.length,
      };
    });
  });
});

const tooManyFailures = (retryAfterMs: number) =>
  new RateLimitedError(
    `too many wrong admin tokens from this address (at most ${limits.adminAuthFailuresPerMinutePerIp} a minute); retry in ${Math.ceil(retryAfterMs / 1000)} s`,
    retryAfterMs,
  );
