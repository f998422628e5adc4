import type { Logger } from '../infrastructure/logger.ts';
import type { ProcessLease } from '../infrastructure/process-lease.ts';
import type { PresenceProjection } from '../projections/presence.ts';
import type { PlayerSessions } from './player-session.ts';

/**
 * Ends the sessions of processes that stopped renewing their lease (crashed, killed, cut off): it
 * records `PlayerLeftWorld` for each, as the dead process would have on an unclean close. Like such
 * a close (src/gateway/session-grace.ts), it waits `graceMs` first, counted from the lease's expiry:
 * a player who reconnects to another process by then has a new session open, so the old one's end
 * says so (`otherSessions`) and nobody sees them fade. Sessions of a process with no lease left
 * (stopped cleanly, or gone for over an hour), or of none, end at once.
 * Every process runs one; they may race for the same session, which is harmless (leaving is
 * idempotent by session).
 */
export class SessionReaper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly lease: ProcessLease,
    private readonly presence: PresenceProjection,
    private readonly sessions: PlayerSessions,
    private readonly logger: Logger,
    private readonly everyMs: number,
    /** How long after a lease ran out its sessions are kept: limits.reconnectGraceMs; 0 ends them then. */
    private readonly graceMs = 0,
  ) {}

  start(): void {
    this.running = this.reap();
    this.timer = setInterval(() => {
      this.running = this.reap();
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns how many sessions it ended. */
  async reap(): Promise<number> {
    try {
      const kept = await this.lease.processesAliveWithin(this.graceMs);
      const orphans = this.presence.orphanedSessions(kept);
      for (const { playerId, sessionId } of orphans) await this.sessions.leave(playerId, sessionId);
      if (orphans.length > 0)
        this.logger.info({ sessions: orphans.length }, 'ended sessions whose process is gone');
      return orphans.length;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not end the sessions of processes that are gone');
      return 0;
    }
  }
}
