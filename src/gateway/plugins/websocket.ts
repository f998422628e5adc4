import { randomUUID } from 'node:crypto';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { ActionRequests } from '../../commands/action-requests.ts';
import { isRevoked } from '../../domain/account/token-revocations.ts';
import { ParserInterpreter } from '../../domain/parser/command-interpreter.ts';
import type { PlayerState } from '../../domain/player/player.ts';
import { playerStatus } from '../../domain/player/player-status.ts';
import { limits } from '../../limits.ts';
import { ActionDesk } from '../action-desk.ts';
import { actionThrottle } from '../action-throttle.ts';
import { BroadcastHub } from '../broadcast-hub.ts';
import { CommandDesk } from '../command-desk.ts';
import { commandScene } from '../command-scene.ts';
import type { ConnectionStream } from '../connection-stream.ts';
import type { GatewayDeps } from '../deps.ts';
import { atTime } from '../expiry-timer.ts';
import { Heartbeat } from '../heartbeat.ts';
import { type Broadcast, OutcomeFeed, type ResolvedAction } from '../outcome-feed.ts';
import { PlayerConnections } from '../player-connections.ts';
import { PlayerStreams } from '../player-streams.ts';
import { CloseCode, PROTOCOL_VERSION, ProtocolError, parseClientFrame, WS_SUBPROTOCOL } from '../protocol.ts';
import { Resumer } from '../resume.ts';
import { ResumeWindow } from '../resume-window.ts';
import { SessionGrace } from '../session-grace.ts';
import { SocketShutdown } from '../socket-shutdown.ts';
import { PER_MESSAGE_DEFLATE } from '../ws-compression.ts';
import type { PlayerClaims } from './auth.ts';
import { authenticateUpgrade } from './websocket-auth.ts';

/** ws closes connections whose frames exceed this; frames between maxFrameBytes and it get an error. */
const HARD_MAX_PAYLOAD = limits.maxFrameBytes * 4;

type Deps = Pick<
  GatewayDeps,
  | 'store'
  | 'presence'
  | 'runtime'
  | 'sessions'
  | 'tokens'
  | 'scenes'
  | 'clock'
  | 'metrics'
  | 'redis'
  | 'redisPrefix'
  | 'reconnectGraceMs'
  | 'commandInterpreter'
  | 'mayWaitForModel'
>;

/** The game's WebSocket at /ws: authenticates, turns frames into commands and pushes outcomes back. */
export const websocketPlugin = fp(async (app: FastifyInstance, deps: Deps) => {
  const shutdown = new SocketShutdown();
  const heartbeat = new Heartbeat();
  app.addHook('onClose', async () => heartbeat.close());
  const grace = new SessionGrace({
    leave: (playerId, sessionId) => deps.sessions.leave(playerId, sessionId),
    ...(deps.reconnectGraceMs === undefined ? {} : { graceMs: deps.reconnectGraceMs }),
    log: app.log,
  });
  await app.register(websocket, {
    // Instead of the plugin's own (which closes without a code, 1005, and waits for nothing): 1001
    // with its reason, the close handshakes and the leaves they record, before the store closes.
    // New upgrades are refused (503) from then on.
    preClose: async () => {
      app.websocketServer.close();
      const flushed = grace.flushAll();
      await shutdown.closeAll(CloseCode.goingAway, 'server shutting down');
      await flushed;
    },
    options: {
      // maxPayload bounds the inflated size too: a small compressed frame that inflates past it closes with 1009.
      maxPayload: HARD_MAX_PAYLOAD,
      perMessageDeflate: PER_MESSAGE_DEFLATE,
      // Answer with the protocol's name only: never echo the token subprotocol back.
      handleProtocols: (offered) => (offered.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
    },
  });

  // Every connection of a player draws from one bucket: the limit is the player's, not the socket's
  // (nor the process's: with Redis, every game process's connections draw from the same one).
  const throttle = actionThrottle({ redis: deps.redis, redisPrefix: deps.redisPrefix, log: app.log });
  const connections = new PlayerConnections<WebSocket>(limits.socketsPerPlayer);
  const desk = new ActionDesk({
    requests: new ActionRequests(deps.sessions, deps.store),
    metrics: deps.metrics,
    log: app.log,
    recorded: (waitedMs) => app.admission.recorded(waitedMs),
    answered: (waitedMs) => app.admission.answered(waitedMs),
    ...(deps.mayWaitForModel ? { mayWaitForModel: deps.mayWaitForModel } : {}),
    started: () => app.admission.started(),
    settled: () => app.admission.settled(),
  });

  // Free-text commands, and the order of a player's frames while one runs (see CommandDesk).
  const commands = new CommandDesk({
    desk,
    interpreter: deps.commandInterpreter ?? new ParserInterpreter(limits.commandMaxActions),
    sceneNames: (playerId, at) => commandScene(deps, playerId, at),
    clock: deps.clock,
    metrics: deps.metrics,
    log: app.log,
  });

  const hub = new BroadcastHub({
    recipientsAt: (locationId) => deps.presence.onlinePlayerIdsAt(locationId),
    socketsOf: (playerId) => streams.streamsOf(playerId),
    sent: (frames, events) => {
      deps.metrics.broadcastFrames.inc(frames);
      deps.metrics.broadcastEvents.inc(events);
    },
    onError: (error) => app.log.error({ err: error }, 'broadcast failed'),
    busy: () => app.loopUtilization() > limits.broadcastBusyLoopUtilization,
  });
  // What players were sent lately, so a client that lost its connection gets what it missed.
  const window = new ResumeWindow();
  const feed = new OutcomeFeed(deps.store, deps.presence, deps.runtime, {
    observed: (stored, news, told) => window.add(stored, news, told),
    resolved: (resolved) => deliver(resolved),
    broadcast: (locationId: string, message: Broadcast, exceptPlayerId: string, position: bigint) =>
      hub.publish(locationId, message, exceptPlayerId, position),
    tell: (playerId, message, position) => hub.tell(playerId, message, position),
  });
  await feed.start();
  window.coverFrom(feed.position);
  const streams = new PlayerStreams(
    window,
    new Resumer({ store: deps.store, window, context: feed.context }),
  );

  // A revocation recorded by any process closes this process's sockets of the revoked tokens.
  const claimsOf = new WeakMap<WebSocket, PlayerClaims>();
  const revocations = deps.tokens.watch(
    (playerId) => void closeRevoked(playerId),
    (error) => app.log.error({ err: error }, 'token revocations feed failed'),
  );
  app.addHook('onClose', async () => {
    await revocations.close();
  });
  async function closeRevoked(playerId: string) {
    const sockets = [...connections.of(playerId)];
    if (sockets.length === 0) return;
    try {
      const state = await deps.tokens.revocations(playerId);
      for (const socket of sockets) {
        const claims = claimsOf.get(socket);
        if (claims && isRevoked(state, claims))
          closeSocket(socket, CloseCode.revoked, 'token revoked: sign in again');
      }
    } catch (error) {
      app.log.error({ err: error, playerId }, 'could not apply a token revocation');
    }
  }
  app.addHook('onClose', async () => {
    await feed.stop();
    hub.close();
  });

  function deliver(resolved: ResolvedAction) {
    const { actionId, result, source, position } = resolved;
    streams.resolved(resolved, desk.resolved(actionId, { result, source, position }));
  }

  /**
   * The code the server closed a socket with: it decides whether the session ends at once (a revoked
   * token, one connection too many), whatever the client answers (or if it never answers: 1006).
   */
  const closedWith = new WeakMap<WebSocket, number>();
  function closeSocket(socket: WebSocket, code: number, reason: string): void {
    if (!closedWith.has(socket)) closedWith.set(socket, code);
    socket.close(code, reason);
  }

  function sendError(
    socket: WebSocket,
    id: string | undefined,
    code: string,
    message: string,
    extra: Record<string, unknown> = {},
  ): void {
    deps.metrics.actionsRefused.inc({ code });
    send(socket, { type: 'error', ...(id === undefined ? {} : { id }), code, message, ...extra });
  }

  app.get(
    '/ws',
    {
      websocket: true,
      config: { rateLimit: { max: limits.wsConnectionsPerSecondPerIp, timeWindow: 1000 } },
      preValidation: authenticateUpgrade(app),
    },
    async (socket, request) => {
      const claims = request.user;
      const playerId = claims.sub;
      claimsOf.set(socket, claims);
      const sessionId = randomUUID();
      const log = request.log.child({ playerId, sessionId });
      let open = true;
      shutdown.opened(socket);
      heartbeat.watch(socket);

      for (const oldest of connections.add(playerId, socket))
        closeSocket(
          oldest,
          CloseCode.tooManyConnections,
          `at most ${limits.socketsPerPlayer} connections per player: this one, the oldest, was closed`,
        );

      const cancelExpiry = atTime(claims.exp * 1000, () =>
        closeSocket(socket, CloseCode.unauthorized, 'token expired'),
      );

      // The game frames of this connection (results, news): live once it starts (see ConnectionStream).
      let stream: ConnectionStream | undefined;
      /** A frame other than resume came first, or the wait for one ran out: no resume to wait for. */
      let startWanted = false;
      let resumeAsked = false;
      let startTimer: NodeJS.Timeout | undefined;
      const here = async () => (await deps.sessions.state(playerId)).locationId;
      const welcome = async (player?: PlayerState) => {
        const now = player ?? (await deps.sessions.state(playerId));
        return {
          type: 'welcome',
          protocol: PROTOCOL_VERSION,
          player_id: playerId,
          username: now.username,
          session_id: sessionId,
          hp: now.hp,
          max_hp: now.maxHp,
          status: playerStatus(deps.runtime.world, now),
          location: await deps.scenes.view(now.locationId, deps.clock(), now),
        };
      };
      function startStream() {
        clearTimeout(startTimer);
        startWanted = true;
        if (stream && !stream.live)
          streams
            .start({ playerId, stream, here })
            .catch((error) => log.error({ err: error }, 'could not start the stream'));
      }

      // Actions that arrive while we are still entering the world wait for it (pings do not).
      const ready: Promise<boolean> = (async () => {
        const player = await deps.sessions.enter(playerId, sessionId);
        if (!player.registered) {
          closeSocket(socket, CloseCode.unauthorized, 'unknown player');
          return false;
        }
        if (!open) return true;
        stream = streams.join(playerId, socket);
        send(socket, { ...(await welcome(player)), position: String(stream.joinedAt) });
        // A client that resumes says so first; the live stream waits for that (not forever).
        if (startWanted) startStream();
        else if (!resumeAsked) startTimer = setTimeout(startStream, limits.resumeHoldMs);
        return true;
      })().catch((error) => {
        log.error({ err: error }, 'could not enter the world');
        socket.close(1011, 'could not enter the world');
        return false;
      });

      deps.metrics.wsConnections.inc();
      socket.on('close', (code) => {
        open = false;
        deps.metrics.wsConnections.dec();
        deps.metrics.wsDisconnects.inc();
        cancelExpiry();
        connections.remove(playerId, socket);
        clearTimeout(startTimer);
        if (stream) streams.leave(playerId, stream);
        desk.drop(socket);
        commands.drop(socket);
        // A lost connection keeps the player in the world a while (SessionGrace): they may be back.
        shutdown.recording(
          ready
            .then(() => grace.closed(playerId, sessionId, closedWith.get(socket) ?? code))
            .catch((error) => log.warn({ err: error }, 'could not record leaving')),
        );
      });

      // Everything up to the rate limit is asked here, before any await: the frame's arrival is
      // what counts, however long earlier actions take to record. The throttle's verdicts (from Redis
      // when shared) come back in the order asked, so frames reach the desk in their order.
      socket.on('message', (raw, isBinary) => {
        try {
          handleFrame(raw as Buffer, isBinary);
        } catch (error) {
          log.error({ err: error }, 'frame handling failed');
        }
      });

      function reply(message: Record<string, unknown>) {
        if (stream && message.type === 'action_result' && typeof message.position === 'string')
          stream.result(message as typeof message & { position: string }, true);
        else send(socket, message);
      }

      function answerCommand(message: Record<string, unknown>) {
        const ofCommand =
          (message.result as { action_type?: unknown } | undefined)?.action_type === 'command';
        if (ofCommand) send(socket, message);
        else reply(message);
      }

      function resume(after: bigint, id: string | undefined) {
        if (resumeAsked)
          return sendError(
            socket,
            id,
            'already_resumed',
            'this connection resumed already; reconnect to resume again',
          );
        resumeAsked = true;
        clearTimeout(startTimer);
        void ready
          .then(async (entered) => {
            if (!entered || !open || !stream) return;
            await streams.resume({ playerId, stream, here }, after, welcome);
          })
          .catch((error) => {
            log.error({ err: error }, 'could not resume');
            socket.close(1011, 'could not resume: reconnect');
          });
      }

      function handleFrame(raw: Buffer, isBinary: boolean) {
        const arrivedAt = performance.now();
        const at = deps.clock();
        if (!open) return;
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
        if (frame.type === 'resume') return resume(frame.after, frame.id);
        if (!resumeAsked) startStream();
        if (frame.type === 'ping') return send(socket, { type: 'pong', id: frame.id });

        // Past capacity the excess is refused at once, before it costs anything (nor a rate-limit token).
        const admitted = app.admission.admit();
        if (!admitted.ok) {
          return sendError(
            socket,
            frame.id,
            'server_busy',
            `the server is at capacity; this action was not taken, retry in ${admitted.retryAfterMs} ms`,
            { retry_after_ms: admitted.retryAfterMs },
          );
        }
        const frameId = frame.id;
        void throttle
          .take(playerId)
          .then((allowed) => {
            if (!open) return;
            if (!allowed.ok) {
              return sendError(
                socket,
                frameId,
                'rate_limited',
                `at most ${limits.actionsPerSecondPerPlayer} actions per second per player (all your connections together); this one was not taken, retry in ${allowed.retryAfterMs} ms`,
                { retry_after_ms: allowed.retryAfterMs },
              );
            }
            const arrival = { playerId, owner: socket, reply, frameId, at, arrivedAt, ready };
            if (frame.type === 'action') return commands.acceptAction({ ...arrival, action: frame.action });
            // A command's answer is no log entry of its own: sent as it is, never held for a replay.
            commands.acceptCommand({
              ...arrival,
              text: frame.text,
              reply: (message) => answerCommand(message),
            });
          })
          .catch((error) => log.error({ err: error }, 'frame handling failed'));
      }
    },
  );
});

function send(socket: WebSocket, message: Record<string, unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}
