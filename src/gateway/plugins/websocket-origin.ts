import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { apiError } from '../deps.ts';

/**
 * A WebSocket upgrade from a browser page is accepted only from this server's own origin or one of
 * `allowedOrigins` (ALLOWED_ORIGINS): another site's page cannot open a game connection on a player's
 * behalf. Clients that send no Origin (not browsers) are let through; they still need a token.
 */
export const websocketOriginPlugin = fp(async (app: FastifyInstance, deps: { allowedOrigins?: string[] }) => {
  const allowed = new Set((deps.allowedOrigins ?? []).map((origin) => new URL(origin).origin));
  // Not onRequest: @fastify/websocket's own onRequest hook must have run, or the refused upgrade's
  // socket is never closed.
  app.addHook('preValidation', async (request, reply) => {
    if (request.headers.upgrade?.toLowerCase() !== 'websocket') return;
    const origin = request.headers.origin;
    if (origin === undefined || originAllowed(origin, request, allowed)) return;
    return reply
      .code(403)
      .send(
        apiError(
          'forbidden_origin',
          `WebSocket connections from ${origin.slice(0, 100)} are not allowed: open the game from this server or an origin in ALLOWED_ORIGINS`,
        ),
      );
  });
});

function originAllowed(origin: string, request: FastifyRequest, allowed: Set<string>): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // "null" (sandboxed frames, file://) and anything unparsable
  }
  if (allowed.has(parsed.origin)) return true;
  // Same origin: the page came from the host the browser is connecting to (any scheme: a TLS proxy
  // in front of us turns https into http).
  return parsed.host === request.headers.host?.toLowerCase();
}
