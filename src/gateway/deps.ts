import type { Kysely } from 'kysely';
import type { AccountService } from '../commands/accounts.ts';
import type { PlayerSessions } from '../commands/player-session.ts';
import type { PlayerTokens } from '../commands/player-tokens.ts';
import type { SceneReader } from '../commands/scene-reader.ts';
import type { WorldRuntime } from '../commands/world-runtime.ts';
import type { CommandInterpreter } from '../domain/parser/command-interpreter.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
import type { Metrics } from '../infrastructure/metrics.ts';
import type { HotStateReader } from '../projections/hot-state/hot-state-reader.ts';
import type { PresenceProjection } from '../projections/presence.ts';
import type { ProjectionRegistry } from '../projections/runner/projection-registry.ts';

/** What the gateway needs from the rest of the system; built once in main.ts (or a test). */
export interface GatewayDeps {
  /** `projector`: no players here (no sign-in, no WebSocket, no client), only health, metrics and admin. */
  role?: 'all' | 'game' | 'projector';
  runtime: WorldRuntime;
  clock: () => Date;
  metrics: Metrics;
  projections: ProjectionRegistry;
  /** The database holding the read models (rm_* tables). */
  readModels: Kysely<unknown>;
  hotState: HotStateReader;
  store: EventStore;
  accounts: AccountService;
  sessions: PlayerSessions;
  /** How long a session whose connection was lost is kept (SessionGrace); limits.reconnectGraceMs when absent. */
  reconnectGraceMs?: number;
  /** Player tokens' revocation (log out) and whether a token's player exists. */
  tokens: PlayerTokens;
  presence: PresenceProjection;
  scenes: SceneReader;
  jwtSecret: string;
  /** Enables /admin when set. */
  adminToken?: string;
  worldFile: string;
  jwtTtl: string;
  /** Components reported by GET /health, checked at most once a second (limits.healthCacheMs). */
  healthChecks: Record<string, () => Promise<Record<string, unknown> | undefined>>;
  /** Origins besides this server's own whose pages may open the WebSocket (ALLOWED_ORIGINS). */
  allowedOrigins?: string[];
  /** Proxies whose X-Forwarded-For gives the client's address (TRUST_PROXY); none when empty. */
  trustProxy?: string[];
  /** A listener of its own for GET /metrics without a token (METRICS_PORT); otherwise behind ADMIN_TOKEN. */
  metricsListener?: { host: string; port: number };
  /** Shared store of the rate limits, per IP and each player's actions; in-process when absent. */
  redis?: import('ioredis').Redis;
  redisPrefix?: string;
  /** Reads free-text `command` actions into actions (a model first, when one is configured); the parser when absent. */
  commandInterpreter?: CommandInterpreter;
  /**
   * Whether an action of this type may wait for a model (a lane's queue, its answer, a shared
   * generation): such answers say nothing of the server's own backlog. None when absent (no lanes).
   */
  mayWaitForModel?: (actionType: string) => boolean;
}

export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

export const apiError = (code: string, message: string, details?: unknown): ApiError => ({
  error: { code, message, ...(details === undefined ? {} : { details }) },
});
