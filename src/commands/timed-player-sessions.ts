import type { PlayerState } from '../domain/player/player.ts';
import { PlayerSessions } from './player-session.ts';

/**
 * Player sessions that report each session's length, from its PlayerEnteredWorld to its
 * PlayerLeftWorld, when this process records the leave. Sessions closed by another process (the
 * reaper's, after this one died) are not timed here.
 */
export class TimedPlayerSessions extends PlayerSessions {
  private readonly enteredAt = new Map<string, number>();

  constructor(
    args: ConstructorParameters<typeof PlayerSessions>,
    private readonly ended: (seconds: number) => void,
  ) {
    super(...args);
  }

  override async enter(playerId: string, sessionId: string): Promise<PlayerState> {
    const state = await super.enter(playerId, sessionId);
    if (state.registered) this.enteredAt.set(sessionId, performance.now());
    return state;
  }

  override async leave(playerId: string, sessionId: string): Promise<void> {
    const enteredAt = this.enteredAt.get(sessionId);
    this.enteredAt.delete(sessionId);
    await super.leave(playerId, sessionId);
    if (enteredAt !== undefined) this.ended((performance.now() - enteredAt) / 1000);
  }
}
