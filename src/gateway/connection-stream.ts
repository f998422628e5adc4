import type { WebSocket } from 'ws';
import type { Position } from '../infrastructure/event-store/event-store.ts';
import type { HubSocket } from './broadcast-hub.ts';

type Message = Record<string, unknown>;

/**
 * One connection's stream of game frames (results and news), which must reach the client in log
 * order, each once. A new connection starts `waiting`: nothing live is sent to it, since what
 * happens meanwhile will be sent by `goLive` (its replay from where the client had got to, or from
 * where the connection began); from then on it takes only what comes after the replay.
 * Other frames (welcome, errors, pongs, resumed) go out at once.
 */
export class ConnectionStream implements HubSocket {
  liveAfter: Position | 'waiting' = 'waiting';
  /** The positions (after, through] the replay covered: answers inside it were sent with it. */
  private replayed: { after: Position; through: Position } | undefined;

  constructor(
    readonly socket: WebSocket,
    /** The last position the process had seen when the connection joined its player's streams. */
    public joinedAt: Position,
  ) {}

  get readyState(): number {
    return this.socket.readyState;
  }

  get OPEN(): number {
    return this.socket.OPEN;
  }

  get live(): boolean {
    return this.liveAfter !== 'waiting';
  }

  /** An `events` frame from the broadcast hub (which already left out what this stream must not take). */
  send(data: Buffer, options: { binary: false; compress: false }): void {
    this.socket.send(data, options);
  }

  /** A frame outside the stream: sent at once. */
  control(message: Message): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /**
   * An action's result: `answer` when it answers a frame sent on this connection (which may be an
   * old action's, asked again), otherwise the player's stream (another window's action).
   */
  result(message: Message & { position: string }, answer: boolean): void {
    const position = BigInt(message.position);
    if (this.liveAfter === 'waiting') {
      // The replay that starts the stream sends it (unless it is older than the connection: an answer).
      if (position > this.joinedAt) return;
    } else if (this.replayed && position > this.replayed.after && position <= this.replayed.through) {
      return;
    } else if (!answer && position <= this.liveAfter) {
      return;
    }
    this.control(message);
  }

  /**
   * Sends the replay of (after, through] and starts the live stream after `liveAfter` (at least
   * `through`). Synchronous: nothing fed in between can fall into neither.
   */
  goLive(
    frames: readonly Message[],
    after: Position,
    through: Position,
    liveAfter: Position = through,
  ): void {
    for (const frame of frames) this.control(frame);
    this.replayed = { after, through };
    this.liveAfter = liveAfter > through ? liveAfter : through;
  }
}
