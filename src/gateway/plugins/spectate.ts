import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Position, Subscription } from '../../infrastructure/event-store/event-store.ts';
import { limits } from '../../limits.ts';
import { apiError, type GatewayDeps } from '../deps.ts';
import { SPECTATOR_EVENT_TYPES, SpectatorView, sseMessage } from '../spectator-view.ts';

type Deps = Pick<GatewayDeps, 'store' | 'presence' | 'runtime'>;

export interface SpectateOptions {
  keepAliveMs?: number;
  streamsPerIp?: number;
  streams?: number;
}

/** A decimal position, as sent in `id:` lines (the ceiling keeps a hostile header from costing anything). */
const POSITION = /^\d{1,30}$/;

/**
 * GET /spectate/:locationId: public, no token. Streams as Server-Sent Events what anyone standing at
 * the location sees (arrivals and departures, speech, combat), never a player's own results. Each
 * message's `id:` is the event's position and `event:` its type; a client that comes back with
 * `Last-Event-ID` gets what the place saw since then from the log, then the live stream, each event
 * once (one subscription from that position does both). Streams are capped per IP and in all (per
 * process); the global per-IP rate limit applies to opening them.
 */
export const spectatePlugin = fp(async (app: FastifyInstance, deps: Deps & SpectateOptions) => {
  const keepAliveMs = deps.keepAliveMs ?? limits.spectatorKeepAliveMs;
  const perIpCap = deps.streamsPerIp ?? limits.spectatorStreamsPerIp;
  const totalCap = deps.streams ?? limits.spectatorStreams;
  const openByIp = new Map<string, number>();
  const open = new Set<() => void>();
  let streams = 0;
  let closing = false;

  // A stream is a request that never ends by itself: end them all before the server waits for its requests.
  app.addHook('preClose', async () => {
    closing = true;
    for (const end of [...open]) end();
  });

  /** Counts a stream of `ip` until the returned function is called (once). */
  const take = (ip: string) => {
    openByIp.set(ip, (openByIp.get(ip) ?? 0) + 1);
    streams += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      streams -= 1;
      const left = (openByIp.get(ip) ?? 1) - 1;
      if (left > 0) openByIp.set(ip, left);
      else openByIp.delete(ip);
    };
  };

  app.get<{ Params: { locationId: string } }>('/spectate/:locationId', async (request, reply) => {
    const { locationId } = request.params;
    if (!deps.runtime.world.locations.has(locationId))
      return reply.code(404).send(apiError('not_found', `no location ${locationId}`));
    const lastEventId = request.headers['last-event-id'];
    if (lastEventId !== undefined && (Array.isArray(lastEventId) || !POSITION.test(lastEventId.trim())))
      return reply
        .code(400)
        .send(apiError('invalid_request', 'Last-Event-ID must be the id (a position) of a message received'));
    if (closing) return reply.code(503).send(apiError('shutting_down', 'the server is stopping'));
    if ((openByIp.get(request.ip) ?? 0) >= perIpCap)
      return reply
        .code(429)
        .send(
          apiError(
            'too_many_streams',
            `at most ${perIpCap} spectator streams at once from one address; close one first`,
          ),
        );
    if (streams >= totalCap)
      return reply
        .code(503)
        .send(apiError('spectators_full', `at most ${totalCap} spectator streams at once; try again later`));

    // Counted before the first await, so requests arriving together cannot pass the caps together.
    const release = take(request.ip);
    let head: Position;
    try {
      head = await deps.store.headPosition();
    } catch (error) {
      release();
      throw error;
    }
    if (closing) {
      release();
      return reply.code(503).send(apiError('shutting_down', 'the server is stopping'));
    }
    const after: Position = lastEventId === undefined ? head : BigInt(lastEventId.trim());
    const subscription = deps.store.subscribeToAll({ after, filter: { eventTypes: SPECTATOR_EVENT_TYPES } });
    const view = new SpectatorView(deps, locationId, head);

    const raw = reply.raw;
    const socket = request.raw.socket;
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders()))
      if (value !== undefined) raw.setHeader(name, value);
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // Public news, no credentials: a dashboard on any origin may read it.
      'access-control-allow-origin': '*',
      // nginx would otherwise hold the stream in its buffer.
      'x-accel-buffering': 'no',
      // Never reused: ended by a stop, the connection must not linger as an idle keep-alive the stop waits for.
      connection: 'close',
    });
    raw.write(`: spectating ${locationId}\n\n`);

    const stopped = new AbortController();
    const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), keepAliveMs);
    keepAlive.unref();
    const end = () => {
      if (stopped.signal.aborted) return;
      stopped.abort();
      open.delete(end);
      release();
      clearInterval(keepAlive);
      socket.off('end', end);
      void subscription.close();
      if (!raw.writableEnded) raw.end();
    };
    open.add(end);
    raw.once('close', end);
    // A client that goes away half-closes the socket; Node keeps it open while a response is due.
    socket.once('end', end);
    if (socket.destroyed || socket.readableEnded) end();

    void pump(subscription, view, raw, stopped.signal).then(
      () => end(),
      (error: unknown) => {
        request.log.warn({ err: error, locationId }, 'spectator stream failed');
        end();
      },
    );
  });
});

async function pump(
  subscription: Subscription,
  view: SpectatorView,
  raw: NodeJS.WritableStream,
  stopped: AbortSignal,
): Promise<void> {
  for await (const event of subscription) {
    if (stopped.aborted) return;
    const news = await view.see(event);
    if (!news || stopped.aborted) continue;
    // A slow client is waited for, not buffered for: the subscription holds what it has not taken.
    if (!raw.write(sseMessage(event, news))) await once(raw, 'drain', { signal: stopped }).catch(() => {});
  }
}
