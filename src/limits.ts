/**
 * The seed's numbers, in one place. Everything that times out, throttles or caches reads them here.
 */
export const limits = {
  /** Hard limit for one action, from request to result (orchestrator timeout). */
  actionTimeoutMs: 5_000,
  /** A lane whose predicted or actual queue wait is longer answers from a template at once. */
  maxQueueWaitMs: 3_000,
  /** How often the slot ceiling of an OpenAI-compatible backend is read from its server (vLLM, SGLang). */
  serverCapacityPollMs: 10_000,
  /** With vLLM's gauges only: slots added to the ceiling per poll while the server neither queues nor fills its KV cache. */
  serverCapacityGrowStep: 4,
  /** A slot ceiling read from a server is kept within 1..this, whatever batch the server claims. */
  maxServerSlots: 256,
  /** The fewest completion tokens a model is asked for, however little time is left (a short JSON answer). */
  minCompletionTokens: 24,
  /** Per-player action throttle. */
  actionsPerSecondPerPlayer: 4,
  /** Per-IP HTTP API throttle. */
  apiRequestsPerSecondPerIp: 10,
  /** Per-IP WebSocket connection throttle. */
  wsConnectionsPerSecondPerIp: 5,
  /** Wrong admin tokens one IP may send per minute; past that every admin request of it gets 429. */
  adminAuthFailuresPerMinutePerIp: 10,
  /** GET /health answers from its last check when younger than this (the checks query the database). */
  healthCacheMs: 1_000,
  /** Largest WebSocket frame a client may send. */
  maxFrameBytes: 16 * 1024,
  /**
   * permessage-deflate, for clients that offer it (docs/protocol.md; figures from bench/ws-compression.ts
   * and the pipeline bench's idle and broadcast scenarios). Only frames larger than this are compressed.
   * ws keeps a socket's zlib stream for the socket's life once it has compressed one frame: ~80 KB of RSS
   * a socket even with the small settings below. At 1 KiB every welcome (~1.2 KB) compressed: 3,000 idle
   * players took 559 MiB instead of 307, and a `say` heard by 1,000 in one place had its P99 go from
   * 240–430 ms to 370–890 ms. At 4 KiB the game's usual frames (welcome, look ~1.75 KB, a 500-character
   * say ~3.1 KB) stay plain and only the rare large one is compressed. Broadcasts never are
   * (src/gateway/broadcast-hub.ts): one frame deflated per recipient took ~210 µs a recipient against
   * ~25 µs for the plain send.
   */
  wsCompressionThresholdBytes: 4096,
  /**
   * The server side's zlib (no context takeover resets a stream, it does not free it): with ws's defaults
   * (window 15, memLevel 8, 16 KiB chunks) ~240 KB a socket whose client also compresses, with these
   * ~100 KB (~80 KB when the client sends plain frames). Level 1: a 4 KB frame deflates to ~1,160 bytes
   * (~1,070 at level 6) for ~15 % less CPU.
   * The client's window stays the client's (asking for a smaller one would refuse offers without
   * `client_max_window_bits`); no context takeover either way, so frames do not depend on earlier ones.
   */
  wsCompressionWindowBits: 10,
  wsCompressionMemLevel: 4,
  wsCompressionLevel: 1,
  wsCompressionChunkBytes: 2048,
  /**
   * zlib jobs in flight at once, process-wide (ws's default is 10): they run on libuv's pool of 4
   * threads, which password hashing (argon2) shares; 2 leave it threads while compression queues.
   */
  wsCompressionConcurrency: 2,
  /** Largest HTTP request body. */
  maxHttpBodyBytes: 16 * 1024,
  /** How many times a command is retried after losing an optimistic-concurrency race. */
  commandRetries: 5,
  /**
   * The longest an append may take once sent to the store (a server-side statement timeout): an action
   * whose append has not been sent by 5 s minus this is withdrawn, so the player hears by 5 s whether
   * it was recorded.
   */
  appendTimeoutMs: 2_000,
  /** Above this mean event-loop delay, window after window, the process has no CPU to spare: new actions get `server_busy`. */
  maxEventLoopDelayMs: 60,
  /** When even the fastest action of a window waited longer than this to be recorded, a queue stands. */
  admissionQueueTargetMs: 30,
  /** …or longer than this for its answer, among actions that waited for no model and no earlier action of their player. */
  admissionAnswerTargetMs: 50,
  /** Actions refused for overload only while at least this many are admitted and not yet answered. */
  admissionMinInFlight: 16,
  /** The window over which the admission control judges the queue. */
  admissionWindowMs: 100,
  /** `retry_after_ms` of a `server_busy` refusal, before jitter (up to twice this). */
  serverBusyRetryMs: 500,
  /** New TCP connections read per second (and at once); more wait, accepted, for their turn. */
  newConnectionsPerSecond: 1_000,
  newConnectionsBurst: 100,
  /** On a graceful stop, how long a client has to answer the close frame before its socket is cut. */
  closeHandshakeGraceMs: 3_000,
  /** On a graceful stop, how long what was written on an HTTP connection owing nothing has to reach the client before it is cut. */
  silentConnectionGraceMs: 3_000,
  /** A game process's lease: sessions it holds end this long after it stops renewing (a crash). */
  processLeaseTtlMs: 10_000,
  /** How often a process renews its lease, and looks for sessions of processes that are gone. */
  processLeaseRenewMs: 2_000,
  /**
   * A dead process's action checkpoint is drained again on every pass until its lease ran out this
   * long ago: a process that stalled past its TTL may record an action before it learns it is out.
   */
  adoptedActionsWatchMs: 60_000,
  /**
   * A player whose connection closed uncleanly (lost, page reloaded) stays in the world this long, so
   * that coming back in time shows nobody a fade and a return; the same counts from the lease's expiry
   * when their process died (src/gateway/session-grace.ts, src/commands/session-reaper.ts).
   */
  reconnectGraceMs: 30_000,
  /** WebSocket connections one player may hold at once; a new one closes the oldest. */
  socketsPerPlayer: 3,
  /** How long a frame id identifies an action: a retry with the same id within it acts only once. */
  actionIdempotencyMs: 24 * 60 * 60_000,
  /** Broadcasts to a location are gathered and sent as one `events` frame per recipient per tick. */
  broadcastTickMs: 50,
  /**
   * The tick while the event loop is busy (utilization above the next figure, averaged over about a
   * second): half as many frames for the same events, which is most of what a crowd costs (each frame
   * is a system call), for 50 ms more delay on others' news; a player's own results never wait.
   */
  broadcastBusyTickMs: 100,
  broadcastBusyLoopUtilization: 0.5,
  /** More arrivals (or departures, appearances, fadings) than this at one location in one tick become one summary event. */
  broadcastCrowdThreshold: 5,
  /** Speech events sent one by one per location per tick; the rest become one summary event. */
  broadcastSpeechCap: 5,
  /** A place with at least this many players online hears comings and goings at most once per… */
  broadcastCrowdRecipients: 100,
  /** …this many ms (speech and combat still go every tick). */
  broadcastCrowdNewsEveryMs: 1_000,
  /** How many names a crowd summary lists. */
  broadcastSummaryNames: 5,
  /** Spectator streams (GET /spectate/:locationId) open at once from one IP, and in all, per process. */
  spectatorStreamsPerIp: 10,
  spectatorStreams: 1_000,
  /** A spectator stream sends a comment this often, so proxies and clients know it is alive. */
  spectatorKeepAliveMs: 15_000,
  /**
   * How far back a reconnecting client may resume (`{"type":"resume","after":…}`): what each game
   * process keeps of what players were sent (results and place news), by age and in all (~200 B each).
   */
  resumeWindowMs: 5 * 60_000,
  resumeWindowMaxEntries: 200_000,
  /** Frames of missed results and news one resume may replay; past it the client starts afresh. */
  resumeMaxMissed: 5_000,
  /** News per missed `events` frame. */
  resumeEventsPerFrame: 50,
  /**
   * A new connection's live stream waits this long for the client's first frame (its resume), so the
   * missed frames come before live ones. Any frame, or this timeout, lets the live stream go.
   */
  resumeHoldMs: 1_500,
  /**
   * Each WebSocket is pinged this often; one that answered nothing for a whole round is cut (a
   * connection that died without a close), and its player's reconnect grace starts.
   */
  wsHeartbeatMs: 30_000,
  /**
   * Actions one free-text `command` may hold ("take the sword and go north" is 2). The command counts
   * once toward actionsPerSecondPerPlayer and its actions run one after another, so this bounds what
   * one token buys.
   */
  commandMaxActions: 5,
  /** How long a model may take to read a `command` into actions before the parser reads it instead. */
  commandInterpretTimeoutMs: 1_500,
  /**
   * NPCs at a place where a player is talk to each other once in each slot of this many game minutes
   * (the starter world: 45 real seconds). The slot names the conversation, so processes agree on one.
   */
  npcConversationEveryGameMinutes: 45,
  /** A place's last conversations whose lines its NPCs do not say again while they have others. */
  npcConversationsRemembered: 8,
  /** Two NPCs who talked at a place within this many game hours do not greet each other again there. */
  npcMetLatelyGameHours: 2,
  /** How long the NPC lane's model may take to word a conversation (off the request path) before the rules' lines stand. */
  npcConversationWordingTimeoutMs: 4_000,
  /** How often a process looks whether a slot's conversations are due (real time). */
  npcLifeTickMs: 1_000,
  /** What happened at a place is talked about there for this many game hours. */
  npcRecentHappeningGameHours: 2,
  /** World events older than this when read (a process down for a while) get no NPC reaction. */
  npcReactionMaxAgeMs: 5 * 60_000,
  /** Situation index: a player's recent actions kept for "similar situation" lookups (older ones are pruned). */
  situationActionsPerPlayer: 20,
  /** The situation lookup's share of an action: past it the action goes on without related snippets. */
  situationLookupMs: 100,
  /**
   * Cosine similarity below which a situation snippet is not worth its tokens. The local embedder is
   * lexical and a place's text is long: a short command sharing one word with it scores ~0.05–0.08,
   * two or more ~0.1–0.2 (the starter world), so its floor asks for two. A model's embeddings score
   * everything higher (unrelated texts ~0.3–0.5): its floor is an estimate to check with Ollama's.
   */
  situationSimilarityFloor: { localEmbedder: 0.1, modelEmbedder: 0.55 },
} as const;

/**
 * The semantic cache (src/gpu/orchestrator/semantic-cache.ts): a request worded differently from a
 * cached one, in the same bucket, reuses its answer when their embeddings' cosine similarity reaches
 * the threshold. A false hit serves a wrong answer; a miss costs one model call, so the threshold
 * leans to few false hits. `npm run bench -- semantic-cache` (bench/semantic-pairs.json, 122 pairs)
 * with the local hash embedder: hit rate 3 %, false-hit rate 0 % from 0.8 to 0.95 with the form check
 * (8 % without it: negations), 1.6 % at 0.75 for no more hits. Learned embedders score short texts
 * higher overall, near-misses included, hence the top of that flat range's safe side, 0.9. With
 * Ollama's embedder, rerun the bench: its table of thresholds is the choice.
 */
export const semanticCacheLimits = {
  similarityThreshold: 0.9,
  /** Wordings remembered per bucket (newest kept): each lookup compares against all of them. */
  maxEntriesPerBucket: 8,
  /** Query embeddings kept per process, by wording, so a repeated wording costs no embedding call. */
  queryEmbeddingsKept: 2_000,
  /** Stored embeddings are rounded to this many decimals (a smaller bucket; cosine moves < 0.001). */
  embeddingDecimals: 3,
} as const;

/** The seed's cache table (time to live per kind of cached data). */
export const cacheTtlMs = {
  playerPosition: 30_000,
  locationDescription: 5 * 60_000,
  npcGreeting: 10 * 60_000,
  similarAction: 5 * 60_000,
  playerLastActions: 60_000,
} as const;

/** Speculative pre-computation (src/gpu/speculation): what is generated on idle slots before it is asked. */
export const speculationLimits = {
  /** Speculations running at once per process (each holds at most one idle lane slot). */
  maxRunning: 4,
  /** A place's description or an NPC's greeting speculated is not asked again for this long. */
  repeatAfterMs: 60_000,
  /** Speculated keys remembered per process (the oldest are forgotten first). */
  keysRemembered: 5_000,
} as const;
