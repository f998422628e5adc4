/**
 * The seed's numbers, in one place. Everything that times out, throttles or caches reads them here.
 */
export const limits = {
  /** Hard limit for one action, from request to result (orchestrator timeout). */
  actionTimeoutMs: 5_000,
  /** A lane whose predicted or actual queue wait is longer answers from a template at once. */
  maxQueueWaitMs: 3_000,
  /** Per-player action throttle. */
  actionsPerSecondPerPlayer: 4,
  /** Per-IP HTTP API throttle. */
  apiRequestsPerSecondPerIp: 10,
  /** Per-IP WebSocket connection throttle. */
  wsConnectionsPerSecondPerIp: 5,
  /** Largest WebSocket frame a client may send. */
  maxFrameBytes: 16 * 1024,
  /** Largest HTTP request body. */
  maxHttpBodyBytes: 16 * 1024,
  /** How many times a command is retried after losing an optimistic-concurrency race. */
  commandRetries: 5,
} as const;

/** The seed's cache table (time to live per kind of cached data). */
export const cacheTtlMs = {
  playerPosition: 30_000,
  locationDescription: 5 * 60_000,
  npcGreeting: 10 * 60_000,
  similarAction: 5 * 60_000,
  playerLastActions: 60_000,
} as const;
