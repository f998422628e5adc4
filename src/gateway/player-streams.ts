import type { WebSocket } from 'ws';
import type { Position } from '../infrastructure/event-store/event-store.ts';
import { ConnectionStream } from './connection-stream.ts';
import type { ResolvedAction } from './outcome-feed.ts';
import { missedFrames, type Resumer } from './resume.ts';
import type { ResumeWindow } from './resume-window.ts';

type Message = Record<string, unknown>;

export interface StartingConnection {
  playerId: string;
  stream: ConnectionStream;
  /** Where the player stands (for the replay, when the window saw no move of theirs). */
  here(): Promise<string>;
}

/**
 * The streams of the players connected to this process: every connection of a player gets the same
 * results and news (one account in two windows sees one stream), each starting where its client
 * had got to (resume) or where it connected, in log order, nothing twice.
 */
export class PlayerStreams {
  private readonly byPlayer = new Map<string, Set<ConnectionStream>>();

  constructor(
    private readonly window: ResumeWindow,
    private readonly resumer: Resumer,
  ) {}

  /** The connection takes part from now: it is sent nothing live until it starts (resume or `start`). */
  join(playerId: string, socket: WebSocket): ConnectionStream {
    const stream = new ConnectionStream(socket, this.window.lastPosition);
    const streams = this.byPlayer.get(playerId) ?? new Set<ConnectionStream>();
    this.byPlayer.set(playerId, streams.add(stream));
    return stream;
  }

  leave(playerId: string, stream: ConnectionStream): void {
    const streams = this.byPlayer.get(playerId);
    streams?.delete(stream);
    if (streams?.size === 0) this.byPlayer.delete(playerId);
  }

  streamsOf(playerId: string): ReadonlySet<ConnectionStream> | undefined {
    return this.byPlayer.get(playerId);
  }

  /** A result for the player's connections other than those it answers (`answered`, by socket). */
  resolved(resolved: ResolvedAction, answered: ReadonlySet<object>): void {
    const streams = this.byPlayer.get(resolved.playerId);
    if (!streams) return;
    const { frameId, result, source, position } = resolved;
    const frame = {
      type: 'action_result',
      ...(frameId === undefined ? {} : { id: frameId }),
      result,
      source,
      position: String(position),
    };
    for (const stream of streams) if (!answered.has(stream.socket)) stream.result(frame, false);
  }

  /** Starts the stream where the connection began: what happened since it joined, then live. */
  async start({ playerId, stream, here }: StartingConnection): Promise<void> {
    if (stream.live) return;
    const location = await here();
    if (stream.live) return;
    const through = this.window.lastPosition;
    const replay = this.resumer.replay(playerId, stream.joinedAt, through, location);
    stream.goLive(replay.ok ? missedFrames(replay.missed, false) : [], stream.joinedAt, through);
  }

  /**
   * Sends what the player missed after `after` (marked `missed`), `resumed`, and starts the live
   * stream; or, when that is further back than kept, `resume_unavailable` and a fresh welcome.
   */
  async resume(
    connection: StartingConnection,
    after: Position,
    welcome: () => Promise<Message>,
  ): Promise<void> {
    const { playerId, stream } = connection;
    const prepared = await this.resumer.prepare(after);
    const location = await connection.here();
    if (stream.live) {
      // The client started its stream before it asked (the wait for it ran out): what it missed
      // before this connection joined still comes, though after what it has had since.
      const replay = prepared && this.resumer.replay(playerId, after, stream.joinedAt, location);
      if (replay && replay.ok === true) {
        for (const frame of missedFrames(replay.missed, true)) stream.control(frame);
        stream.control({ type: 'resumed', position: String(stream.liveAfter) });
        return;
      }
      return this.unavailable(connection, welcome);
    }
    const through = this.window.lastPosition;
    const replay = prepared ? this.resumer.replay(playerId, after, through, location) : undefined;
    if (!replay?.ok) return this.unavailable(connection, welcome);
    stream.goLive(missedFrames(replay.missed, true), after, through, after);
    stream.control({ type: 'resumed', position: String(stream.liveAfter) });
  }

  private async unavailable({ stream, playerId, here }: StartingConnection, welcome: () => Promise<Message>) {
    stream.control({
      type: 'resume_unavailable',
      message: 'too much happened since then to send it all; here is where you are now',
    });
    const from = this.window.lastPosition;
    const fresh = await welcome();
    const location = await here();
    const through = this.window.lastPosition;
    stream.control({ ...fresh, position: String(from) });
    if (stream.live) return;
    const replay = this.resumer.replay(playerId, from, through, location);
    stream.goLive(replay.ok ? missedFrames(replay.missed, false) : [], from, through);
  }
}
