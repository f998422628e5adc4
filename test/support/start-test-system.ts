import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/infrastructure/logger.ts';
import { dropSchema, uniqueSchema } from '../../src/infrastructure/testing/services.ts';
import { type System, startSystem } from '../../src/system.ts';

/** A clock that runs at real speed from the start of the given game hour (one game hour per real minute). */
export function clockFromGameHour(hourOfDay: number, secondsPerGameHour = 60): () => Date {
  const hourMs = secondsPerGameHour * 1000;
  const now = Date.now();
  const dayStart = now - (now % (24 * hourMs));
  const offset = dayStart + hourOfDay * hourMs - now;
  return () => new Date(Date.now() + offset);
}

export interface TestSystem {
  system: System;
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * The whole server on a free port: embedded (PGlite in a temporary folder) or on a PostgreSQL server.
 * Given a `dataDir` (and `schema`), it reopens that data, as a restarted server would, and leaves it
 * in place when it stops: the caller removes it.
 */
export async function startTestSystem(
  options: {
    postgresUrl?: string;
    redisUrl?: string;
    env?: Record<string, string>;
    clock?: () => Date;
    dataDir?: string;
    schema?: string;
    /** Where the server logs (silent when absent). */
    logger?: Logger;
  } = {},
): Promise<TestSystem> {
  const owned = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'langomni-test-')));
  const schema = options.postgresUrl ? (options.schema ?? uniqueSchema('sys')) : undefined;
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    LOG_LEVEL: 'silent',
    PASSWORD_HASH_MEMORY_KIB: '1024',
    EVENT_POLL_INTERVAL_MS: '20',
    ...(options.postgresUrl ? { DATABASE_URL: options.postgresUrl, DATABASE_SCHEMA: schema } : {}),
    // A prefix of its own, so parallel test files never share rate-limit counters or cached answers.
    ...(options.redisUrl
      ? { REDIS_URL: options.redisUrl, REDIS_PREFIX: `test:${schema ?? Date.now()}:` }
      : {}),
    ...options.env,
  });
  const system = await startSystem(
    config,
    options.logger ?? createLogger('silent', false),
    options.clock ? { clock: options.clock } : {},
  );
  await system.gateway.listen({ host: '127.0.0.1', port: 0 });
  const address = system.gateway.server.address() as { port: number };
  return {
    system,
    baseUrl: `http://127.0.0.1:${address.port}`,
    stop: async () => {
      await system.close();
      if (!owned) return;
      await rm(dataDir, { recursive: true, force: true });
      if (options.postgresUrl && schema) await dropSchema(options.postgresUrl, schema);
    },
  };
}
