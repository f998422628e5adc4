import type { HotState, RecentAction } from '../../infrastructure/hot-state/hot-state.ts';

/** What request handlers read from the hot state: the live generation only, the window ending now. */
export interface HotStateReader {
  /** Where the player moved last, unless that was longer ago than the position TTL. */
  position(playerId: string): Promise<string | undefined>;
  /** The player's actions in the last minute, oldest first. */
  recentActions(playerId: string): Promise<RecentAction[]>;
}

export function hotStateReader(hotState: HotState, now: () => number = Date.now): HotStateReader {
  return {
    position: (playerId) => hotState.position(playerId),
    recentActions: (playerId) => hotState.recentActions(playerId, now()),
  };
}
