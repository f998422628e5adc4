import type { WebSocket } from 'ws';
import { limits } from '../limits.ts';

/**
 * The game's open sockets and the leaves still being recorded, for a graceful stop: every socket is
 * closed with the given code and reason, the close handshake is awaited (so the frame reaches the
 * client before the server goes), and then every leave is awaited (so it is recorded before the
 * event store closes). Sockets that open while stopping are closed at once.
 */
export class SocketShutdown {
  private readonly sockets = new Set<WebSocket>();
  private readonly leaving = new Set<Promise<unknown>>();
  private stopping: { code: number; reason: string } | undefined;

  /** Tracks an accepted socket; closes it at once if the server is stopping. */
  opened(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    if (this.stopping) socket.close(this.stopping.code, this.stopping.reason);
  }

  /** A leave being recorded (from a socket's close): a graceful stop waits for it. */
  recording(leave: Promise<unknown>): void {
    this.leaving.add(leave);
    void leave.finally(() => this.leaving.delete(leave));
  }

  async closeAll(
    code: number,
    reason: string,
    graceMs: number = limits.closeHandshakeGraceMs,
  ): Promise<void> {
    this.stopping = { code, reason };
    await Promise.all([...this.sockets].map((socket) => closeAndWait(socket, code, reason, graceMs)));
    // A leave recorded in turn may start another (none today); wait until none is left.
    while (this.leaving.size > 0) await Promise.allSettled([...this.leaving]);
  }
}

function closeAndWait(socket: WebSocket, code: number, reason: string, graceMs: number): Promise<void> {
  if (socket.readyState === socket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const cut = setTimeout(() => socket.terminate(), graceMs);
    socket.once('close', () => {
      clearTimeout(cut);
      resolve();
    });
    socket.close(code, reason);
  });
}
