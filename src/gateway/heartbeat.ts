import { limits } from '../limits.ts';

/** What the heartbeat needs of a WebSocket (ws's WebSocket has it). */
export interface BeatingSocket {
  ping(): void;
  terminate(): void;
  on(event: 'pong' | 'message', listener: () => void): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Finds connections that died without a word (a phone that lost its network sends no close): every
 * `everyMs` each socket is pinged (a WebSocket ping, which browsers answer by themselves); one that
 * answered nothing, neither pong nor frame, since the last round is cut. Its close (1006) is then a
 * lost connection like any other: the player stays in the world for the reconnect grace, then fades.
 * ws has no heartbeat of its own; this is the pattern its documentation gives.
 */
export class Heartbeat {
  private readonly heard = new Map<BeatingSocket, boolean>();
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs: number = limits.wsHeartbeatMs) {
    this.timer = setInterval(() => this.beat(), everyMs);
    this.timer.unref();
  }

  watch(socket: BeatingSocket): void {
    this.heard.set(socket, true);
    const alive = () => {
      if (this.heard.has(socket)) this.heard.set(socket, true);
    };
    socket.on('pong', alive);
    socket.on('message', alive);
    socket.once('close', () => this.heard.delete(socket));
  }

  /** One round: cut the silent, ping the rest. */
  beat(): void {
    for (const [socket, heard] of this.heard) {
      if (!heard) {
        this.heard.delete(socket);
        socket.terminate();
        continue;
      }
      this.heard.set(socket, false);
      try {
        socket.ping();
      } catch {
        // A socket closing as we ping: its close event removes it.
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.heard.clear();
  }
}
