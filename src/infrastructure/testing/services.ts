import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The external servers a test may use, each chosen by its URL in the environment. A suite whose
 * server is not configured says so and is skipped; CI sets the URLs so those suites always run there.
 */
export const testServices = {
  postgres: { url: process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL, variable: 'TEST_DATABASE_URL' },
  redis: { url: process.env.TEST_REDIS_URL ?? process.env.REDIS_URL, variable: 'TEST_REDIS_URL' },
  eventStoreDb: { url: process.env.EVENTSTORE_URL, variable: 'EVENTSTORE_URL' },
  qdrant: { url: process.env.QDRANT_URL, variable: 'QDRANT_URL' },
} as const;

export function reportSkipped(server: string, variable: string): void {
  console.log(`skipped: no ${server} (set ${variable})`);
}

/** A fresh schema name, so parallel test files on one PostgreSQL server never see each other's rows. */
export function uniqueSchema(prefix = 'test'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
