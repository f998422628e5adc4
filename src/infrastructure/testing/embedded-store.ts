import { openDatabase } from '../database.ts';
import { type EventStoreTables, SqlEventStore } from '../event-store/sql-event-store.ts';

/** An in-memory PGlite event store for tests (about 2-3 s to create). */
export async function openInMemoryEventStore(): Promise<SqlEventStore> {
  const database = await openDatabase<EventStoreTables>({ kind: 'pglite' });
  return new SqlEventStore(database, { name: 'pglite', pollIntervalMs: 20 }, () => database.close());
}
