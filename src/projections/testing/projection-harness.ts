import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { type Database, openDatabase } from '../../infrastructure/database.ts';
import type { NewEvent } from '../../infrastructure/event-store/event-store.ts';
import { type EventStoreTables, SqlEventStore } from '../../infrastructure/event-store/sql-event-store.ts';
import type { SqlProjection, TableNames } from '../runner/projection.ts';

/** An embedded database with the event store on it, for read-model tests. */
export async function openProjectionHarness(): Promise<{
  database: Database<EventStoreTables>;
  store: SqlEventStore;
  close(): Promise<void>;
}> {
  const database = await openDatabase<EventStoreTables>({ kind: 'pglite' });
  const store = new SqlEventStore(database, { name: 'pglite', pollIntervalMs: 10 });
  return { database, store, close: () => store.close().then(() => database.close()) };
}

export function event(
  type: string,
  data: Record<string, unknown>,
  timestamp = new Date().toISOString(),
): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: { timestamp, ...(typeof data.playerId === 'string' ? { playerId: data.playerId } : {}) },
  };
}

/** Every row of a table in a stable order, for row-for-row comparisons. */
export async function rowsOf(
  database: Database<EventStoreTables>,
  table: string,
  orderBy: string,
): Promise<unknown[]> {
  const { rows } = await sql`select * from ${sql.table(table)} order by ${sql.raw(orderBy)}`.execute(
    database.db,
  );
  return rows;
}

/** The same projection under another name and other tables: a second, independent copy of a read model. */
export function twinOf(projection: SqlProjection, suffix: string): SqlProjection {
  const physical = (names: TableNames) =>
    Object.fromEntries(projection.tables.map((table) => [table, names[`${table}_${suffix}`]!]));
  return {
    ...projection,
    name: `${projection.name}-${suffix}`,
    tables: projection.tables.map((table) => `${table}_${suffix}`),
    createTables: (db, names) => projection.createTables(db, physical(names)),
    apply: (trx, events, names) => projection.apply(trx, events, physical(names)),
  };
}
