import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { DomainError } from '../../domain/decider.ts';
import { apiError, type GatewayDeps } from '../deps.ts';

export interface TokenClaims {
  sub: string;
  username: string;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenClaims;
    user: TokenClaims;
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

/** JWT sign-in: POST /auth/register and /auth/login answer `{token, player_id}`. */
export const authPlugin = fp(
  async (app: FastifyInstance, deps: Pick<GatewayDeps, 'accounts' | 'jwtSecret' | 'jwtTtl'>) => {
    await app.register(fastifyJwt, { secret: deps.jwtSecret, sign: { expiresIn: deps.jwtTtl } });

    const answer = (playerId: string, username: string) => ({
      token: app.jwt.sign({ sub: playerId, username }),
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
  },
);

function sendDomainError(reply: import('fastify').FastifyReply, error: unknown) {
  if (error instanceof DomainError) {
    return reply.code(STATUS_BY_CODE[error.code] ?? 400).send(apiError(error.code, error.message));
  }
  throw error;
}
