import { randomUUID } from 'node:crypto';
import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { DomainError } from '../../domain/decider.ts';
import { apiError, type GatewayDeps } from '../deps.ts';

export interface TokenClaims {
  sub: string;
  username: string;
}

/** A verified player token: the claims every token we sign carries (times in seconds). */
export interface PlayerClaims extends TokenClaims {
  jti: string;
  iat: number;
  exp: number;
}

export type TokenVerdict = { ok: true; claims: PlayerClaims } | { ok: false; code: string; message: string };

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims & { jti?: string };
    user: PlayerClaims;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Checks a player token's signature, expiry and claims, that it is not revoked and its player exists. */
    verifyPlayerToken(token: string): Promise<TokenVerdict>;
  }
}

const credentialsSchema = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

const STATUS_BY_CODE: Record<string, number> = {
  username_taken: 409,
  invalid_credentials: 401,
  invalid_username: 400,
  invalid_password: 400,
};

const SIGN_IN_AGAIN = 'the token is invalid, expired or revoked; sign in again';

/**
 * JWT sign-in: POST /auth/register and /auth/login answer `{token, player_id}`; POST /auth/logout
 * revokes the token presented, /auth/logout-all every token of its player.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, deps: Pick<GatewayDeps, 'accounts' | 'tokens' | 'jwtSecret' | 'jwtTtl'>) => {
    await app.register(fastifyJwt, {
      secret: deps.jwtSecret,
      sign: { expiresIn: deps.jwtTtl },
      // A token without `exp` would never expire, one without `jti` could not be revoked alone.
      verify: { requiredClaims: ['sub', 'iat', 'exp', 'jti'] },
      // request.jwtVerify() (GET /players/me, /search) refuses revoked tokens and unknown players too.
      trusted: async (_request, decoded) =>
        (await deps.tokens.check((decoded as PlayerClaims).sub, decoded as PlayerClaims)) === 'valid',
    });

    app.decorate('verifyPlayerToken', async (token: string): Promise<TokenVerdict> => {
      let claims: PlayerClaims;
      try {
        claims = app.jwt.verify<PlayerClaims>(token);
      } catch {
        return { ok: false, code: 'unauthorized', message: SIGN_IN_AGAIN };
      }
      const check = await deps.tokens.check(claims.sub, claims);
      if (check === 'valid') return { ok: true, claims };
      return {
        ok: false,
        code: 'unauthorized',
        message: check === 'revoked' ? SIGN_IN_AGAIN : 'the token names no player; sign in again',
      };
    });

    const answer = (playerId: string, username: string) => ({
      token: app.jwt.sign({ sub: playerId, username, jti: randomUUID() }),
      player_id: playerId,
      username,
    });

    const credentials = (request: FastifyRequest) => {
      const parsed = credentialsSchema.safeParse(request.body);
      if (!parsed.success) {
        throw new DomainError('invalid_request', 'send JSON {"username": "...", "password": "..."}');
      }
      return parsed.data;
    };

    app.post('/auth/register', async (request, reply) => {
      try {
        const { username, password } = credentials(request);
        const { playerId } = await deps.accounts.register(username, password);
        return reply.code(201).send(answer(playerId, username));
      } catch (error) {
        return sendDomainError(reply, error);
      }
    });

    app.post('/auth/login', async (request, reply) => {
      try {
        const { username, password } = credentials(request);
        const player = await deps.accounts.login(username, password);
        return reply.send(answer(player.playerId, player.username));
      } catch (error) {
        return sendDomainError(reply, error);
      }
    });

    /** The presenting player's verified claims, or undefined once a 401 has been sent. */
    const presenter = async (request: FastifyRequest, reply: FastifyReply) => {
      const token = bearerToken(request);
      const verdict = token
        ? await app.verifyPlayerToken(token)
        : { ok: false as const, code: 'unauthorized', message: 'send Authorization: Bearer <token>' };
      if (verdict.ok) return verdict.claims;
      await reply.code(401).send(apiError(verdict.code, verdict.message));
      return undefined;
    };

    app.post('/auth/logout', async (request, reply) => {
      const claims = await presenter(request, reply);
      if (!claims) return reply;
      await deps.tokens.revoke(claims.sub, claims);
      return reply.code(204).send();
    });

    app.post('/auth/logout-all', async (request, reply) => {
      const claims = await presenter(request, reply);
      if (!claims) return reply;
      await deps.tokens.revokeAll(claims.sub);
      return reply.code(204).send();
    });
  },
);

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header?.startsWith('Bearer ')) return undefined;
  const token = header.slice('Bearer '.length).trim();
  return token.length > 0 ? token : undefined;
}

function sendDomainError(reply: FastifyReply, error: unknown) {
  if (error instanceof DomainError) {
    return reply.code(STATUS_BY_CODE[error.code] ?? 400).send(apiError(error.code, error.message));
  }
  throw error;
}
