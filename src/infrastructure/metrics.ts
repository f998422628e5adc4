import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 7.5, 10];
const APPEND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const SESSION_BUCKETS = [10, 30, 60, 300, 600, 1800, 3600, 7200, 14400, 28800];

/** Players online: those with a session held by this process, and those in the whole world. */
export interface ActivePlayers {
  process: number;
  world: number;
}

/** A connection pool as pg.Pool shows it. */
export interface WatchedPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

/** What the business gauges show, read from the read models (NaN: nothing to measure yet). */
export interface BusinessFigures {
  questCompletionRatio: number;
  npcInteractions: number;
  retention: Record<'1' | '7', number>;
}

/** Every metric LangOmni exports, on its own registry (so tests and several systems never collide). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'langomni_' });
  const metric = <T>(make: (registers: Registry[]) => T) => make([registry]);
  // Read on scrape from what the composition root hands over (see the watch* functions below).
  let activePlayersSource: (() => ActivePlayers) | undefined;
  const pools: WatchedPool[] = [];
  let businessSource: (() => Promise<BusinessFigures | undefined>) | undefined;
  return {
    registry,
    /** Reports the players online (from presence) on every scrape. */
    watchActivePlayers(source: () => ActivePlayers): void {
      activePlayersSource = source;
    },
    /** Adds a pool to `langomni_db_pool_connections` (the sum over every pool watched). */
    watchPool(pool: WatchedPool): void {
      pools.push(pool);
    },
    /** Reads the business figures on scrape (the source caches them: scrapes must not cost a query each). */
    watchBusiness(source: () => Promise<BusinessFigures | undefined>): void {
      businessSource = source;
    },
    activePlayers: metric(
      (registers) =>
        new Gauge({
          name: 'langomni_active_players',
          help: 'Players with at least one open session: held by this process (scope="process") or anywhere (scope="world")',
          labelNames: ['scope'],
          registers,
          collect() {
            if (!activePlayersSource) return;
            const { process, world } = activePlayersSource();
            this.set({ scope: 'process' }, process);
            this.set({ scope: 'world' }, world);
          },
        }),
    ),
    eventAppend: metric(
      (registers) =>
        new Histogram({
          name: 'langomni_event_append_seconds',
          help: "Time to write one group-commit batch to the event store (this process's batches)",
          buckets: APPEND_BUCKETS,
          registers,
        }),
    ),
    eventsAppended: metric(
      (registers) =>
        new Counter({
          name: 'langomni_events_appended_total',
          help: 'Events written by this process in group-commit batches',
          registers,
        }),
    ),
    dbPool: metric(
      (registers) =>
        new Gauge({
          name: 'langomni_db_pool_connections',
          help: 'Database pool connections: total open, idle, and requests waiting for one',
          labelNames: ['state'],
          registers,
          collect() {
            if (pools.length === 0) return;
            const sum = (read: (pool: WatchedPool) => number) => pools.reduce((n, pool) => n + read(pool), 0);
            this.set(
              { state: 'total' },
              sum((pool) => pool.totalCount),
            );
            this.set(
              { state: 'idle' },
              sum((pool) => pool.idleCount),
            );
            this.set(
              { state: 'waiting' },
              sum((pool) => pool.waitingCount),
            );
          },
        }),
    ),
    sessionDuration: metric(
      (registers) =>
        new Histogram({
          name: 'langomni_session_duration_seconds',
          help: 'Length of the game sessions this process held, from entering the world to leaving it',
          buckets: SESSION_BUCKETS,
          registers,
        }),
    ),
    questCompletion: metric(
      (registers) =>
        new Gauge({
          name: 'langomni_quest_completion_ratio',
          help: 'Quests completed / quests accepted, over every player (read models, refreshed at most once a minute; NaN before any)',
          registers,
          async collect() {
            const figures = await businessSource?.();
            if (figures) this.set(figures.questCompletionRatio);
          },
        }),
    ),
    npcInteractions: metric(
      (registers) =>
        new Counter({
          name: 'langomni_npc_interactions_total',
          help: 'Conversations players held with NPCs, in the whole world (read models, refreshed at most once a minute): rate() gives talks per second',
          registers,
          async collect() {
            const figures = await businessSource?.();
            if (!figures) return;
            this.reset();
            this.inc(figures.npcInteractions);
          },
        }),
    ),
    retention: metric(
      (registers) =>
        new Gauge({
          name: 'langomni_retention_ratio',
          help: 'Share of the players registered in the 30 days before their day N who played on day N after registering (read models, refreshed at most once a minute; NaN without such players)',
          labelNames: ['day'],
          registers,
          async collect() {
            const figures = await businessSource?.();
            if (!figures) return;
            for (const day of ['1', '7'] as const) this.set({ day }, figures.retention[day]);
          },
        }),
    ),
    actionLatency: metric(
      (registers) =>
        new Histogram({
          name: 'langomni_action_latency_seconds',
          help: 'From request to result, by action type and source',
          labelNames: ['action_type', 'source'],
          buckets: LATENCY_BUCKETS,
          registers,
        }),
    ),
    actions: metric(
      (registers) =>
        new Counter({
          name: 'langomni_actions_total',
          help: 'Actions resolved, by type and source',
          labelNames: ['action_type', 'source'],
          registers,
        }),
    ),
    commands: metric(
      (registers) =>
        new Counter({
          name: 'langomni_commands_total',
          help: 'Typed commands answered, by who read them (parser, model) and how they ended (done, stopped, not_understood)',
          labelNames: ['interpreted_by', 'outcome'],
          registers,
        }),
    ),
    wsConnections: metric(
      (registers) =>
        new Gauge({ name: 'langomni_ws_connections', help: 'Open WebSocket connections', registers }),
    ),
    broadcastFrames: metric(
      (registers) =>
        new Counter({
          name: 'langomni_broadcast_frames_total',
          help: 'Batched event frames sent to WebSocket sessions',
          registers,
        }),
    ),
    broadcastEvents: metric(
      (registers) =>
        new Counter({
          name: 'langomni_broadcast_events_total',
          help: 'Events delivered in batched frames (one per frame that carries it)',
          registers,
        }),
    ),
    actionsRefused: metric(
      (registers) =>
        new Counter({
          name: 'langomni_actions_refused_total',
          help: 'Action frames answered with an error instead of an outcome, by error code',
          labelNames: ['code'],
          registers,
        }),
    ),
    wsDisconnects: metric(
      (registers) =>
        new Counter({
          name: 'langomni_ws_disconnects_total',
          help: 'WebSocket connections closed',
          registers,
        }),
    ),
    laneQueueDepth: metric(
      (registers) =>
        new Gauge({
          name: 'langomni_lane_queue_depth',
          help: 'Jobs waiting per lane',
          labelNames: ['lane'],
          registers,
        }),
    ),
    laneWait: metric(
      (registers) =>
        new Histogram({
          name: 'langomni_lane_wait_seconds',
          help: 'Time waiting for a backend slot',
          labelNames: ['lane'],
          buckets: LATENCY_BUCKETS,
          registers,
        }),
    ),
    laneService: metric(
      (registers) =>
        new Histogram({
          name: 'langomni_lane_service_seconds',
          help: 'Time a backend took to answer',
          labelNames: ['lane', 'backend'],
          buckets: LATENCY_BUCKETS,
          registers,
        }),
    ),
    laneSlots: metric(
      (registers) =>
        new Gauge({
          name: 'langomni_lane_slots',
          help: 'Effective concurrent slots per backend (dynamic)',
          labelNames: ['lane', 'backend'],
          registers,
        }),
    ),
    tokens: metric(
      (registers) =>
        new Counter({
          name: 'langomni_lane_tokens_total',
          help: 'Tokens by lane, backend and kind (prompt|completion)',
          labelNames: ['lane', 'backend', 'kind'],
          registers,
        }),
    ),
    tokensPerSecond: metric(
      (registers) =>
        new Gauge({
          name: 'langomni_lane_tokens_per_second',
          help: 'Completion tokens per second of the last answer',
          labelNames: ['lane', 'backend'],
          registers,
        }),
    ),
    cacheRequests: metric(
      (registers) =>
        new Counter({
          name: 'langomni_response_cache_requests_total',
          help: 'Response cache look-ups by kind and outcome (hit|miss)',
          labelNames: ['kind', 'outcome'],
          registers,
        }),
    ),
    speculativeJobs: metric(
      (registers) =>
        new Counter({
          name: 'langomni_lane_speculative_jobs_total',
          help: 'Speculative lane jobs by outcome (started|aborted|refused)',
          labelNames: ['lane', 'outcome'],
          registers,
        }),
    ),
    prefetches: metric(
      (registers) =>
        new Counter({
          name: 'langomni_llm_prefetches_total',
          help: 'Public answers the orchestrator was asked to generate ahead, by lane and outcome (cached|generated|skipped)',
          labelNames: ['lane', 'outcome'],
          registers,
        }),
    ),
    speculations: metric(
      (registers) =>
        new Counter({
          name: 'langomni_speculations_total',
          help: 'Answers speculated after an action, by kind (description|greeting) and outcome (cached|generated|skipped|failed|no_room)',
          labelNames: ['kind', 'outcome'],
          registers,
        }),
    ),
    fallbacks: metric(
      (registers) =>
        new Counter({
          name: 'langomni_lane_fallbacks_total',
          help: 'Answers not from the LLM, by lane and cause',
          labelNames: ['lane', 'cause'],
          registers,
        }),
    ),
    projectionLag: metric(
      (registers) =>
        new Gauge({
          name: 'langomni_projection_lag_events',
          help: 'Events a read model has yet to apply (capped at 10001)',
          labelNames: ['projection'],
          registers,
        }),
    ),
    breakerState: metric(
      (registers) =>
        new Gauge({
          name: 'langomni_lane_breaker_state',
          help: 'Circuit breaker per backend: 0 closed, 1 half-open, 2 open',
          labelNames: ['lane', 'backend'],
          registers,
        }),
    ),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
