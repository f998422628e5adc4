import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PROTOCOL_VERSION, WS_SUBPROTOCOL, WS_TOKEN_SUBPROTOCOL_PREFIX } from '../protocol.ts';
import { bearerToken } from './auth.ts';

const HOW_TO_CONNECT = `send the token as an Authorization: Bearer header or, from a browser, offer the subprotocols "${WS_SUBPROTOCOL}" and "${WS_TOKEN_SUBPROTOCOL_PREFIX}<token>"`;

/** The upgrade to /ws is refused before it happens without a valid token (never one in the URL). */
export function authenticateUpgrade(app: FastifyInstance) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (Object.hasOwn(request.query as object, 'token'))
      return reply.code(400).send({
        error: {
          code: 'token_in_url',
          message: `tokens never go in URLs (protocol ${PROTOCOL_VERSION}): ${HOW_TO_CONNECT}`,
        },
      });
    const token = bearerToken(request) ?? subprotocolToken(request);
    if (!token) return reply.code(401).send({ error: { code: 'unauthorized', message: HOW_TO_CONNECT } });
    const verdict = await app.verifyPlayerToken(token);
    if (!verdict.ok) return reply.code(401).send({ error: { code: verdict.code, message: verdict.message } });
    request.user = verdict.claims;
  };
}

/** The token a browser offers as the subprotocol `langomni.token.<token>`. */
function subprotocolToken(request: FastifyRequest): string | undefined {
  const offered = request.headers['sec-websocket-protocol'];
  if (typeof offered !== 'string') return undefined;
  for (const protocol of offered.split(',')) {
    const name = protocol.trim();
    if (name.startsWith(WS_TOKEN_SUBPROTOCOL_PREFIX) && name.length > WS_TOKEN_SUBPROTOCOL_PREFIX.length)
      return name.slice(WS_TOKEN_SUBPROTOCOL_PREFIX.length);
  }
  return undefined;
}
