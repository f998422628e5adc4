import { cacheTtlMs } from '../../limits.ts';

/**
 * The hot state port: the seed's short-lived per-player data (where a player is, what they did in
 * the last minute), kept as a read model. Written only by its runner, in batches that carry the
 * event-log checkpoint they bring the state up to.
 *
 * Conventions every adapter maps to:
 * - Data lives under a generation. Readers use the live generation; a rebuild fills another one and
 *   then switches the pointer, so readers never see an empty or half-built state.
 * - Times are event times (ms since the epoch). A position expires `positionTtlMs` after the move that
 *   set it, an action leaves the window `actionsWindowMs` after it was requested, so replaying old
 *   events writes nothing that is already stale, and a rebuild ends in the same state as live following.
 * - Re-applying a batch changes nothing (actions are keyed by their event id).
 */
export interface HotStateBatch {
  /** The player's latest position in this batch (at most one per player). */
  positions: { playerId: string; locationId: string; at: number }[];
  actions: { playerId: string; actionType: string; at: number; id: string }[];
  /** The log position of the batch's last event. */
  checkpoint: bigint;
  /**
   * When set, the batch is applied only if the generation's checkpoint is still this (-1n: none yet);
   * otherwise nothing is written and CheckpointMovedError is thrown. This fences off a second writer
   * (a deposed leader that has not noticed yet). Left out, the batch is applied whatever the checkpoint.
   */
  expectedCheckpoint?: bigint;
}

export interface RecentAction {
  actionType: string;
  at: number;
}

export interface HotState {
  readonly name: string;
  /** Applies a batch and its checkpoint in one step: if it fails, the checkpoint is unchanged. */
  applyBatch(generation: number, batch: HotStateBatch): Promise<void>;
  checkpoint(generation: number): Promise<bigint | undefined>;
  /** The generation readers use (0 until a rebuild switches it). */
  liveGeneration(): Promise<number>;
  switchGeneration(to: number): Promise<void>;
  /** Removes every entry and the checkpoint of a generation. */
  dropGeneration(generation: number): Promise<void>;
  /** The player's location, unless it is older than the position TTL. Reads the live generation by default. */
  position(playerId: string, generation?: number): Promise<string | undefined>;
  /** The player's actions within the window before `now`, oldest first. */
  recentActions(playerId: string, now: number, generation?: number): Promise<RecentAction[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface HotStateTtls {
  /** How long a position stays after the move that set it; default the seed's 30 s. */
  positionTtlMs?: number;
  /** How far back recent actions reach; default the seed's 60 s. */
  actionsWindowMs?: number;
}

/** The clock event times are compared with (the game's clock; real time by default). */
export interface HotStateClock {
  now?: () => number;
}

export function resolveTtls(options: HotStateTtls): Required<HotStateTtls> {
  const ttls = {
    positionTtlMs: options.positionTtlMs ?? cacheTtlMs.playerPosition,
    actionsWindowMs: options.actionsWindowMs ?? cacheTtlMs.playerLastActions,
  };
  for (const [name, value] of Object.entries(ttls))
    if (!Number.isFinite(value) || value <= 0)
      throw new RangeError(`${name} must be a positive number of ms`);
  return ttls;
}

/** Refuses a batch an adapter could only apply in part, before anything is written. */
export function checkBatch(generation: number, batch: HotStateBatch): void {
  checkGeneration(generation);
  if (typeof batch.checkpoint !== 'bigint') throw new TypeError('hot state checkpoint must be a bigint');
  if (batch.expectedCheckpoint !== undefined && typeof batch.expectedCheckpoint !== 'bigint')
    throw new TypeError('hot state expected checkpoint must be a bigint');
  for (const p of batch.positions) {
    if (!p.playerId || !p.locationId)
      throw new TypeError('hot state position needs a playerId and a locationId');
    if (!Number.isFinite(p.at)) throw new RangeError(`position of ${p.playerId} has no valid time`);
  }
  for (const a of batch.actions) {
    if (!a.playerId || !a.actionType || !a.id)
      throw new TypeError('hot state action needs a playerId, an actionType and an id');
    if (!Number.isFinite(a.at)) throw new RangeError(`action ${a.id} has no valid time`);
  }
}

export function checkGeneration(generation: number): void {
  if (!Number.isSafeInteger(generation) || generation < 0)
    throw new RangeError(`hot state generation must be a non-negative integer, got ${generation}`);
}

/** Per player: the actions of a batch still inside the window at `now`, and when the newest leaves it. */
export function freshActionsByPlayer(
  actions: HotStateBatch['actions'],
  now: number,
  windowMs: number,
): Map<string, { actions: HotStateBatch['actions']; expiresAt: number }> {
  const byPlayer = new Map<string, { actions: HotStateBatch['actions']; expiresAt: number }>();
  for (const action of actions) {
    const expiresAt = action.at + windowMs;
    if (expiresAt <= now) continue;
    const entry = byPlayer.get(action.playerId);
    if (entry) {
      entry.actions.push(action);
      entry.expiresAt = Math.max(entry.expiresAt, expiresAt);
    } else byPlayer.set(action.playerId, { actions: [action], expiresAt });
  }
  return byPlayer;
}
