import { isIP } from 'node:net';
import { z } from 'zod';
import { parseOptimizations } from './gpu/optimizations.ts';
import { limits } from './limits.ts';

const optionalUrl = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .pipe(z.url().optional())
  .optional();

/** A comma-separated list (blanks ignored), each entry checked by `entry`; empty when unset. */
const commaList = (entry: z.ZodType<string, string>) =>
  z
    .string()
    .trim()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(entry))
    .default([]);

const urlList = commaList(z.url());

const PROXY_ADDRESS_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR range or one of proxy-addr's names (what Fastify's trustProxy takes). */
function isProxyAddress(entry: string): boolean {
  if (PROXY_ADDRESS_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

const MAX_JWT_TTL_SECONDS = 7 * 24 * 3600;
const SECONDS_PER_UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Seconds in a lifetime like `12h` (already checked against /^\d+[smhd]$/). */
function ttlSeconds(ttl: string): number {
  return Number(ttl.slice(0, -1)) * (SECONDS_PER_UNIT[ttl.slice(-1)] ?? Number.NaN);
}

export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the embedded database and generated secrets live. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** PostgreSQL server for events (unless EVENTSTORE_URL), checkpoints and read models. Embedded PGlite if unset. */
  DATABASE_URL: optionalUrl,
  /** PostgreSQL schema for LangOmni's tables (created if missing). The server's default when unset. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'lowercase letters, digits and _')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  /** EventStoreDB for the events, e.g. esdb://localhost:2113?tls=false. */
  EVENTSTORE_URL: optionalUrl,
  /** Redis for the shared rate limits and hot caches. In-process when unset. */
  REDIS_URL: optionalUrl,
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  REDIS_PREFIX: z.string().min(1).default('langomni:'),
  /** Qdrant for NPC memories. In-process exact search (rebuilt from the events at start) when unset. */
  QDRANT_URL: optionalUrl,
  QDRANT_COLLECTION: z.string().min(1).default('npc_memories'),
  /** Ollama for embeddings (e.g. http://localhost:11434). The deterministic local embedder when unset. */
  OLLAMA_EMBED_HOST: optionalUrl,
  OLLAMA_EMBED_MODEL: z.string().min(1).default('nomic-embed-text'),
  /** World-simulation lane (big model): an Ollama host, or an OpenAI-compatible server (vLLM, SGLang, llama.cpp, LM Studio). */
  OLLAMA_WORLD_HOST: optionalUrl,
  OPENAI_WORLD_URL: optionalUrl,
  /**
   * More world instances, comma-separated (added to the single ones above). With the optimization
   * region-sharding each region's prompts keep to one instance (its prefix cache); else least loaded.
   */
  OLLAMA_WORLD_HOSTS: urlList,
  OPENAI_WORLD_URLS: urlList,
  WORLD_MODEL: z.string().min(1).default('llama3.1:70b'),
  /** Requests the world backend serves at once (OLLAMA_NUM_PARALLEL, or the server's batch). */
  WORLD_SLOTS: z.coerce.number().int().min(1).max(256).default(4),
  /** NPC lane (small model): one or more instances, comma-separated; jobs go to the least loaded. */
  OLLAMA_NPC_HOSTS: urlList,
  OPENAI_NPC_URLS: urlList,
  NPC_MODEL: z.string().min(1).default('llama3.1:8b'),
  NPC_SLOTS: z.coerce.number().int().min(1).max(256).default(4),
  /** How long Ollama keeps a model loaded after a request. */
  OLLAMA_KEEP_ALIVE: z.string().min(1).default('30m'),
  /**
   * The inference optimizations in force (src/gpu/optimizations.ts): `all` (the default), `none`, a
   * comma-separated list, or `all,-speculation` to leave some out.
   */
  INFERENCE_OPTIMIZATIONS: z
    .string()
    .default('all')
    .transform((text, ctx) => {
      try {
        return parseOptimizations(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  /** Bearer key for OpenAI-compatible servers that want one. */
  OPENAI_API_KEY: z.string().min(1).optional(),
  /**
   * What this process does: `game` serves players and resolves their actions; `projector` keeps the
   * read models and the Redis hot state (one process at a time, chosen by a PostgreSQL lock; the
   * others stand by) and serves only /health, /metrics and the admin API; `all` does both.
   */
  PROCESS_ROLE: z.enum(['all', 'game', 'projector']).default('all'),
  /** A game process's sessions end this long after it stops renewing its lease (a crash). */
  PROCESS_LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(600_000).default(limits.processLeaseTtlMs),
  /**
   * A player whose connection was lost (or whose process died: counted from its lease's expiry) stays
   * in the world this long, so that reconnecting in time shows nobody a fade (tests shorten it).
   */
  RECONNECT_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(limits.reconnectGraceMs),
  /** How often live subscribers look for events appended by other processes. */
  EVENT_POLL_INTERVAL_MS: z.coerce.number().int().min(5).max(10_000).default(100),
  /** At least 32 characters. Generated and kept in DATA_DIR when unset (not allowed in production). */
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Token lifetime, e.g. 12h, 30m: from 1 minute to 7 days (a stolen token works until it expires or is revoked). */
  JWT_TTL: z
    .string()
    .regex(/^\d+[smhd]$/, 'a number followed by s, m, h or d, e.g. 12h')
    .refine(
      (ttl) => ttlSeconds(ttl) >= 60 && ttlSeconds(ttl) <= MAX_JWT_TTL_SECONDS,
      'from 1m to 7d (e.g. 12h); tokens live no longer than a week',
    )
    .default('12h'),
  /** Secret for /admin endpoints (sent as a Bearer token). Admin is disabled when unset. */
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Origins (besides this server's own) whose pages may open the game's WebSocket, comma-separated. */
  ALLOWED_ORIGINS: urlList,
  /**
   * Proxies in front (nginx) whose X-Forwarded-For names the client, so per-IP limits and logs see
   * players, not the proxy: addresses, CIDR ranges, or loopback, linklocal, uniquelocal; comma-separated.
   * None when unset: X-Forwarded-For is then ignored (a client could forge it).
   */
  TRUST_PROXY: commaList(
    z.string().refine(isProxyAddress, 'an IP address, a CIDR range, loopback, linklocal or uniquelocal'),
  ),
  /** Serve GET /metrics without a token on this port of its own (else only with ADMIN_TOKEN, on PORT). */
  METRICS_PORT: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number().int().min(0).max(65_535).optional(),
  ),
  /** Address of the metrics listener: keep it where players cannot reach. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** The world content file. */
  WORLD_FILE: z.string().min(1).default('content/starter-world.json'),
  /**
   * Memory of one argon2id password hash, in KiB (OWASP's 19 MiB by default). Lower only where hashing
   * cost does not matter (tests, load-test set-up): it is what makes a stolen hash costly to crack.
   */
  PASSWORD_HASH_MEMORY_KIB: z.coerce.number().int().min(1_024).max(1_048_576).default(19_456),
});

export type Config = z.infer<typeof environmentSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads the configuration from the environment; a bad value names its variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = parsed.data;
  if (config.NODE_ENV === 'production' && !config.JWT_SECRET) {
    throw new ConfigError('invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production');
  }
  return config;
}
