import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { limits } from '../limits.ts';

/**
 * The server's HTTP connections and how many requests each has waiting for their response, so a stop
 * can hang up on the ones that owe nothing.
 *
 * Node's server.close() waits for every connection to end. It closes those idle between two requests,
 * but not one on which no request has arrived (yet): a client that opened a connection and sent
 * nothing (a browser's speculative preconnect, or fetch reconnecting after an aborted request) holds
 * the stop for as long as it likes, since server.close() also stops the check that would have timed
 * it out. Upgraded connections (the game's WebSockets) are closed by their own plugin and left alone.
 */
export class SilentConnections {
  /** Open HTTP connections and the number of requests on each still being answered. */
  private readonly unanswered = new Map<Socket, number>();
  /** Set once the stop has begun: from then on, a connection is hung up as soon as it owes nothing. */
  private stopping: { graceMs: number } | undefined;

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.unanswered.set(socket, 0);
      socket.once('close', () => this.unanswered.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const socket = request.socket;
      if (!this.unanswered.has(socket)) return;
      this.unanswered.set(socket, this.unanswered.get(socket)! + 1);
      // 'close' too: a response whose connection broke never finishes.
      let answered = false;
      const done = () => {
        if (answered) return;
        answered = true;
        const waiting = this.unanswered.get(socket);
        if (waiting === undefined) return;
        this.unanswered.set(socket, waiting - 1);
        // Kept alive, it would hold the stop until the client closes it or its keep-alive times out.
        if (waiting === 1 && this.stopping) this.hangUpOn(socket);
      };
      response.once('finish', done);
      response.once('close', done);
    });
    server.on('upgrade', (request: IncomingMessage) => this.unanswered.delete(request.socket));
  }

  /**
   * For a stop, once the streams are ended and the sockets closed: ends every connection that has no
   * request being answered now, and every other one as soon as it has none. What was written still
   * reaches the client (the end of a stream, a last response); then the connection is destroyed,
   * whatever the client does, at the latest after `graceMs` (a client that reads nothing).
   */
  hangUp(graceMs: number = limits.silentConnectionGraceMs): void {
    this.stopping = { graceMs };
    for (const [socket, waiting] of this.unanswered) if (waiting === 0) this.hangUpOn(socket);
  }

  private hangUpOn(socket: Socket): void {
    this.unanswered.delete(socket);
    const cut = setTimeout(() => socket.destroy(), this.stopping!.graceMs);
    socket.once('close', () => clearTimeout(cut));
    socket.end(() => socket.destroy());
  }
}
