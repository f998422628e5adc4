import { limits } from '../limits.ts';
import { CloseCode } from './protocol.ts';

/**
 * Close codes that end the session at once: the client said goodbye (1000, or 1005: a close frame
 * without a code, which is what `close()` without arguments sends, in browsers and in ws), or the
 * server closed the socket for a reason that ends the session (token revoked or expired, unknown
 * player, one connection too many). Anything else (1001 page going away or reloading, 1006 connection
 * lost, 1011 server error, an application code such as 4000…) may be followed by a reconnection, so
 * the player is kept in the world a while.
 */
const ENDS_AT_ONCE: ReadonlySet<number> = new Set([
  1000,
  1005,
  CloseCode.unauthorized,
  CloseCode.revoked,
  CloseCode.tooManyConnections,
]);

export function closeEndsSessionAtOnce(code: number): boolean {
  return ENDS_AT_ONCE.has(code);
}

export interface SessionGraceOptions {
  /** Records the session's end (PlayerSessions.leave). */
  leave: (playerId: string, sessionId: string) => Promise<void>;
  /** How long a session whose connection was lost is kept; limits.reconnectGraceMs by default. */
  graceMs?: number;
  log?: { info: (fields: object, message: string) => void };
}

interface Waiting {
  timer: NodeJS.Timeout;
  /** Ends the session now and settles the promise `closed` returned. */
  end: () => Promise<void>;
}

/**
 * When a closed connection's session ends: at once after a clean close, `graceMs` later after an
 * unclean one, so that a player whose connection dropped and who comes back in time is never seen
 * to fade from view. Nothing is cancelled when they come back (here or on another process): the new
 * session is entered first, so the old one's PlayerLeftWorld says another session stays open
 * (`otherSessions`) and the place hears nothing.
 */
export class SessionGrace {
  private readonly waiting = new Map<string, Waiting>();
  private readonly graceMs: number;
  private flushing = false;

  constructor(private readonly options: SessionGraceOptions) {
    this.graceMs = options.graceMs ?? limits.reconnectGraceMs;
  }

  /** Sessions whose connection is gone and whose end is still to be recorded. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  /**
   * A session's connection closed with `code` (the one the server sent if it closed it, otherwise the
   * client's). Resolves once its end is recorded; rejects if recording it failed.
   */
  closed(playerId: string, sessionId: string, code: number): Promise<void> {
    if (this.flushing || closeEndsSessionAtOnce(code)) return this.options.leave(playerId, sessionId);
    return new Promise<void>((resolve, reject) => {
      const end = () => {
        clearTimeout(timer);
        this.waiting.delete(sessionId);
        const recorded = this.options.leave(playerId, sessionId);
        recorded.then(resolve, reject);
        return recorded;
      };
      const timer = setTimeout(() => void end().catch(() => {}), this.graceMs);
      timer.unref();
      this.waiting.set(sessionId, { timer, end });
    });
  }

  /**
   * Ends every waiting session now, and every session closed from now on at once: the process is
   * going away and cannot keep its promise to hold them (its timers die with it). Call it before the
   * sockets are closed for a shutdown, so their leaves are recorded before the event store closes.
   */
  async flushAll(): Promise<void> {
    this.flushing = true;
    const waiting = [...this.waiting.values()];
    if (waiting.length > 0)
      this.options.log?.info(
        { sessions: waiting.length },
        'shutting down: ending sessions that were waiting for their player to come back',
      );
    await Promise.allSettled(waiting.map((session) => session.end()));
  }
}
