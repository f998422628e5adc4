import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 4, 5, 7.5, 10];

/** Every metric LangOmni exports, on its own registry (so tests and several systems never collide). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'langomni_' });
  const metric = <T>(make: (registers: Registry[]) => T) => make([registry]);
  return {
    registry,
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
