import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrationProvider } from '../../migrations/index.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { seedDataDirFromTemplate } from './pglite-template.ts';
import { PgliteThread } from './pglite-thread/pglite-thread.ts';
import { embeddedStartParams } from './pglite-tuning.ts';

/** Where the SQL lives: a PostgreSQL server, or PGlite (PostgreSQL in WASM) in this process or a thread of it. */
export type DatabaseTarget =
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number }
  | {
      kind: 'pglite';
      dataDir?: string;
      /** Run the engine in a worker thread of its own (the game server does; tests and tools need not). */
      ownThread?: boolean;
      /** Called if that thread stops unexpectedly: every statement fails from then on. */
      onEngineLost?: (error: Error) => void;
    };

export interface Database<Tables> {
  readonly kind: DatabaseTarget['kind'];
  readonly db: Kysely<Tables>;
  /** The pool under `db`, for the few hot statements worth preparing by name (kysely sends unnamed ones). */
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/** Opens the database and brings its schema up to date with the migrations. */
export async function openDatabase<Tables>(target: DatabaseTarget): Promise<Database<Tables>> {
  const opened = target.kind === 'postgres' ? await openPostgres(target) : await openPglite(target);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: opened.pool }) });
  try {
    await migrate(db as unknown as Kysely<unknown>, target.kind === 'postgres' ? target.schema : undefined);
  } catch (error) {
    await db.destroy();
    await opened.closeEngine();
    throw error;
  }
  return {
    kind: target.kind,
    db,
    pool: opened.pool,
    close: async () => {
      await db.destroy();
      await opened.closeEngine();
    },
  };
}

async function migrate(db: Kysely<unknown>, schema: string | undefined): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
}

async function openPostgres(target: { url: string; schema?: string; poolSize?: number }) {
  if (target.schema) {
    const admin = new pg.Client({ connectionString: target.url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${quoteIdentifier(target.schema)}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize ?? 20,
    ...(target.schema ? { options: `-c search_path=${quoteIdentifier(target.schema)}` } : {}),
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return { pool, closeEngine: async () => {} };
}

async function openPglite(target: Extract<DatabaseTarget, { kind: 'pglite' }>) {
  if (!target.dataDir) return startPglite(target);
  // PGlite takes no lock of its own: a second process on the same files would corrupt them.
  const lock = lockDataDir(target.dataDir);
  try {
    await seedDataDirFromTemplate(target.dataDir);
    mkdirSync(target.dataDir, { recursive: true });
    const opened = await startPglite(target);
    return {
      pool: opened.pool,
      closeEngine: async () => {
        try {
          await opened.closeEngine();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startPglite(target: Extract<DatabaseTarget, { kind: 'pglite' }>) {
  if (target.ownThread) {
    const thread = await PgliteThread.start(
      { startParams: embeddedStartParams(), ...(target.dataDir ? { dataDir: target.dataDir } : {}) },
      target.onEngineLost,
    );
    return { pool: new pg.Pool(thread.pgConfig()), closeEngine: () => thread.close() };
  }
  const options = { startParams: embeddedStartParams() };
  const engine = target.dataDir ? new PGlite(target.dataDir, options) : new PGlite(options);
  await engine.waitReady;
  // PGlite's own node-postgres bridge: one session, so the pool serializes transactions correctly.
  const pool = new pg.Pool(createPgConfig(engine) as unknown as pg.PoolConfig);
  return { pool, closeEngine: () => engine.close() };
}

export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid SQL identifier: ${name}`);
  return `"${name}"`;
}

/** For code that writes its own SQL against tables the kysely types do not describe (read models). */
export function untyped<Tables>(db: Kysely<Tables>): Kysely<unknown> {
  return db as unknown as Kysely<unknown>;
}
