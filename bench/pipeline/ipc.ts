/** Messages between bench/pipeline.ts and its client workers (bench/pipeline/client-worker.ts). */

/** Milliseconds on a clock every process on the machine shares (the Unix epoch, sub-millisecond). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export interface PlayerSpec {
  username: string;
  token: string;
  /** The loopback source address this player connects from (one per player). */
  address: string;
  /** The server process this player connects to (http://host:port). */
  serverUrl: string;
  /** Sends actions when the worker is told to play (otherwise it only stays connected). */
  plays: boolean;
  /** Offset of this player's sends within each interval, so that sends are spread evenly. */
  phaseMs: number;
}

export type ToWorker =
  | {
      kind: 'connect';
      requestId: number;
      players: PlayerSpec[];
      /** When the first connection starts (wall clock). */
      startAt: number;
      /** Connections started per second by this worker; null: all at once. */
      perSecond: number | null;
      welcomeTimeoutMs: number;
    }
  | {
      kind: 'play';
      requestId: number;
      startAt: number;
      warmupMs: number;
      measureMs: number;
      intervalMs: number;
      /** How long after the last scheduled send an unanswered action counts as no_answer. */
      graceMs: number;
    }
  | {
      kind: 'broadcast';
      requestId: number;
      /** How many of this worker's players say something, once every `everyMs`. */
      speakers: number;
      startAt: number;
      durationMs: number;
      everyMs: number;
      /** Time given to the last broadcasts to arrive. */
      settleMs: number;
    }
  | { kind: 'close'; requestId: number };

export interface ConnectReport {
  connected: number;
  /** Connections that got no welcome, by reason (`http_429`, `timeout`, `closed_1011`, …). */
  failed: Record<string, number>;
  /** For each welcomed connection: ms from startAt to its welcome. */
  welcomeMs: number[];
}

export interface PlayReport {
  /** Measured actions, one entry each: scheduled time (ms after the warm-up ended), latency (ms, NaN when
   *  unanswered) and outcome (`result` or the error code). */
  scheduledMs: number[];
  latencyMs: number[];
  outcome: string[];
  actionType: string[];
  /** Actual send time minus scheduled time, for every measured action that was sent. */
  sendLagMs: number[];
  framesByType: Record<string, number>;
  /** Answers whose id belongs to no action waiting for one (e.g. answers to warm-up actions). */
  unmatchedAnswers: number;
  socketsClosedDuringStep: number;
}

export interface BroadcastReport {
  /** marker → wall-clock time the say was sent. */
  sends: [string, number][];
  /** [marker, wall-clock arrival time] for every arrival at a player other than the speaker. */
  arrivals: [string, number][];
  /** Players of this worker in the speakers' location (potential receivers). */
  listeners: number;
  framesByType: Record<string, number>;
}

export type FromWorker =
  | { kind: 'reply'; requestId: number; body: unknown }
  | { kind: 'failed'; requestId: number; message: string };
