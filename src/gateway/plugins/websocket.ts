import { randomUUID } from 'node:crypto';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { DomainError } from '../../domain/decider.ts';
import { limits } from '../../limits.ts';
import type { GatewayDeps } from '../deps.ts';
import { type Broadcast, OutcomeFeed, type ResolvedAction } from '../outcome-feed.ts';
import { CloseCode, PROTOCOL_VERSION, ProtocolError, parseClientFrame } from '../protocol.ts';
import { TokenBucket } from '../token-bucket.ts';
import type { TokenClaims } from './auth.ts';

/** How long the gateway waits for an action's outcome before telling the player it is late. */
const RESULT_WAIT_MS = limits.actionTimeoutMs * 2;
/** ws closes connections whose frames exceed this; frames between maxFrameBytes and it get an error. */
const HARD_MAX_PAYLOAD = limits.maxFrameBytes * 4;

interface Pending {
  socket: WebSocket;
  clientId: string | undefined;
  startedAt: number;
  timer: NodeJS.Timeout;
}

type Deps = Pick<GatewayDeps, 'store' | 'presence' | 'runtime' | 'sessions' | 'scenes' | 'clock' | 'metrics'>;

/** The game's WebSocket at /ws: authenticates, turns frames into commands and pushes outcomes back. */
export const websocketPlugin = fp(async (app: FastifyInstance, deps: Deps) => {
  await app.register(websocket, { options: { maxPayload: HARD_MAX_PAYLOAD } });

  const pending = new Map<string, Pending>();
  const socketsByPlayer = new Map<string, Set<WebSocket>>();

  const feed = new OutcomeFeed(deps.store, deps.presence, deps.runtime, {
    resolved: (resolved) => deliver(resolved),
    broadcast: (playerIds, message) => {
      for (const playerId of playerIds)
        for (const socket of socketsByPlayer.get(playerId) ?? [])
          send(socket, { type: 'event', ...message } satisfies { type: string } & Broadcast);
    },
  });
  feed.start();
  app.addHook('onClose', async () => {
    for (const sockets of socketsByPlayer.values())
      for (const socket of sockets) socket.close(CloseCode.goingAway, 'server shutting down');
    await feed.stop();
  });

  function deliver({ actionId, result, source }: ResolvedAction) {
    const waiting = pending.get(actionId);
    if (!waiting) return;
    pending.delete(actionId);
    clearTimeout(waiting.timer);
    const seconds = (performance.now() - waiting.startedAt) / 1000;
    deps.metrics.actionLatency.observe({ action_type: result.action_type, source }, seconds);
    deps.metrics.actions.inc({ action_type: result.action_type, source });
    send(waiting.socket, {
      type: 'action_result',
      id: waiting.clientId,
      result,
      source,
      latency_ms: Math.round(performance.now() - waiting.startedAt),
    });
  }

  app.get(
    '/ws',
    {
      websocket: true,
      config: { rateLimit: { max: limits.wsConnectionsPerSecondPerIp, timeWindow: 1000 } },
      preValidation: async (request, reply) => {
        const token = bearerToken(request);
        if (!token)
          return reply.code(401).send({
            error: {
              code: 'unauthorized',
              message: 'connect with ?token=… or an Authorization: Bearer header',
            },
          });
        try {
          request.user = app.jwt.verify<TokenClaims & { exp: number }>(token);
        } catch {
          return reply.code(401).send({
            error: { code: 'unauthorized', message: 'the token is invalid or expired; sign in again' },
          });
        }
      },
    },
    async (socket, request) => {
      const claims = request.user as TokenClaims & { exp?: number };
      const playerId = claims.sub;
      const sessionId = randomUUID();
      const log = request.log.child({ playerId, sessionId });
      const bucket = new TokenBucket(limits.actionsPerSecondPerPlayer);
      let open = true;
      // Frames that arrive while we are still entering the world wait for it, in order.
      let ready: Promise<void> = Promise.resolve();

      const expiry = claims.exp
        ? setTimeout(
            () => socket.close(CloseCode.unauthorized, 'token expired'),
            claims.exp * 1000 - Date.now(),
          )
        : undefined;

      deps.metrics.wsConnections.inc();
      socket.on('close', () => {
        open = false;
        deps.metrics.wsConnections.dec();
        deps.metrics.wsDisconnects.inc();
        clearTimeout(expiry);
        socketsByPlayer.get(playerId)?.delete(socket);
        if (socketsByPlayer.get(playerId)?.size === 0) socketsByPlayer.delete(playerId);
        for (const [actionId, waiting] of pending) {
          if (waiting.socket === socket) {
            clearTimeout(waiting.timer);
            pending.delete(actionId);
          }
        }
        void ready
          .then(() => deps.sessions.leave(playerId, sessionId))
          .catch((error) => log.warn({ err: error }, 'could not record leaving'));
      });

      socket.on('message', (raw, isBinary) => {
        ready = ready
          .then(() => (open ? handleFrame(raw as Buffer, isBinary) : undefined))
          .catch((error) => {
            log.error({ err: error }, 'frame handling failed');
          });
      });

      ready = (async () => {
        const player = await deps.sessions.enter(playerId, sessionId);
        if (!player.registered) {
          socket.close(CloseCode.unauthorized, 'unknown player');
          return;
        }
        const sockets = socketsByPlayer.get(playerId) ?? new Set<WebSocket>();
        socketsByPlayer.set(playerId, sockets);
        sockets.add(socket);
        const location = await deps.scenes.view(player.locationId, deps.clock(), playerId);
        send(socket, {
          type: 'welcome',
          protocol: PROTOCOL_VERSION,
          player_id: playerId,
          username: player.username,
          session_id: sessionId,
          hp: player.hp,
          max_hp: player.maxHp,
          location,
        });
      })().catch((error) => {
        log.error({ err: error }, 'could not enter the world');
        socket.close(1011, 'could not enter the world');
      });

      async function handleFrame(raw: Buffer, isBinary: boolean) {
        if (isBinary) return sendError(socket, undefined, 'invalid_frame', 'send text frames holding JSON');
        if (raw.byteLength > limits.maxFrameBytes) {
          return sendError(
            socket,
            undefined,
            'frame_too_large',
            `frames are at most ${limits.maxFrameBytes} bytes`,
          );
        }
        let frame: ReturnType<typeof parseClientFrame>;
        try {
          frame = parseClientFrame(raw.toString('utf8'));
        } catch (error) {
          if (error instanceof ProtocolError) return sendError(socket, error.id, error.code, error.message);
          throw error;
        }
        if (frame.type === 'ping') return send(socket, { type: 'pong', id: frame.id });

        const allowed = bucket.take();
        if (!allowed.ok) {
          return sendError(
            socket,
            frame.id,
            'rate_limited',
            `at most ${limits.actionsPerSecondPerPlayer} actions per second; this one was not taken, retry in ${allowed.retryAfterMs} ms`,
            { retry_after_ms: allowed.retryAfterMs },
          );
        }
        const startedAt = performance.now();
        try {
          const actionId = await deps.sessions.requestAction(playerId, frame.action);
          const timer = setTimeout(() => {
            if (!pending.delete(actionId)) return;
            sendError(
              socket,
              frame.id,
              'action_timeout',
              'the world did not answer in time; your action is recorded and may still take effect',
            );
          }, RESULT_WAIT_MS);
          pending.set(actionId, { socket, clientId: frame.id, startedAt, timer });
        } catch (error) {
          if (error instanceof DomainError) return sendError(socket, frame.id, error.code, error.message);
          log.error({ err: error }, 'could not record an action');
          sendError(
            socket,
            frame.id,
            'internal_error',
            'the action could not be recorded; nothing happened, try again',
          );
        }
      }
    },
  );
});

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
  const query = (request.query as { token?: unknown }).token;
  return typeof query === 'string' && query.length > 0 ? query : undefined;
}

function send(socket: WebSocket, message: Record<string, unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

function sendError(
  socket: WebSocket,
  id: string | undefined,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  send(socket, { type: 'error', ...(id === undefined ? {} : { id }), code, message, ...extra });
}
