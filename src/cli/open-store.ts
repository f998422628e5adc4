import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { DataDirLockedError } from '../infrastructure/data-dir-lock.ts';
import { openDatabase } from '../infrastructure/database.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
import { openEventStoreDb } from '../infrastructure/event-store/eventstoredb-event-store.ts';
import { type EventStoreTables, SqlEventStore } from '../infrastructure/event-store/sql-event-store.ts';

/** A failure to reach the events, with what the analyst can do about it. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

const SINGLE_PROCESS =
  'The embedded database (PGlite) serves one process at a time: stop the running server first ' +
  '(or point DATABASE_URL at a PostgreSQL server).';

/**
 * The event store the configuration points at, as system.ts picks it, for reading only: no server,
 * lanes or projections. (Opening a SQL database brings its schema up to date, as the server does.)
 */
export async function openConfiguredStore(config: Config): Promise<EventStore> {
  if (config.EVENTSTORE_URL) return openEventStoreDb(config.EVENTSTORE_URL);
  if (config.DATABASE_URL) {
    const database = await openDatabase<EventStoreTables>({
      kind: 'postgres',
      url: config.DATABASE_URL,
      poolSize: 2,
      ...(config.DATABASE_SCHEMA ? { schema: config.DATABASE_SCHEMA } : {}),
    });
    return new SqlEventStore(database, { name: 'postgres', pollIntervalMs: 1000 }, () => database.close());
  }
  return openEmbedded(config);
}

async function openEmbedded(config: Config): Promise<EventStore> {
  const dataDir = resolve(join(config.DATA_DIR, 'pglite'));
  if (!existsSync(join(dataDir, 'PG_VERSION')))
    throw new StoreUnavailableError(
      `no embedded database in ${dataDir} (DATA_DIR=${config.DATA_DIR}); set DATA_DIR to the server's, or DATABASE_URL / EVENTSTORE_URL`,
    );
  try {
    const database = await openDatabase<EventStoreTables>({ kind: 'pglite', dataDir });
    return new SqlEventStore(database, { name: 'pglite', pollIntervalMs: 1000 }, () => database.close());
  } catch (error) {
    // The server (or another analysis) holds the directory: its lock names it.
    if (error instanceof DataDirLockedError) throw new StoreUnavailableError(error.message, { cause: error });
    throw new StoreUnavailableError(
      `could not open the embedded database in ${dataDir}: ${(error as Error).message}. ${SINGLE_PROCESS}`,
      { cause: error },
    );
  }
}
