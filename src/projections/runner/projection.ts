import type { Kysely, Transaction } from 'kysely';
import type { AllFilter, StoredEvent } from '../../infrastructure/event-store/event-store.ts';

/** Physical table names by the projection's own (logical) names: live or the rebuild's shadow copy. */
export type TableNames = Readonly<Record<string, string>>;

/**
 * A read model in PostgreSQL, derived from events only. The runner owns its tables' names (so it can
 * build a shadow copy during a rebuild), its checkpoint and its transactions: a batch of events and
 * the checkpoint that follows it commit together, so each event is applied exactly once.
 */
export interface SqlProjection {
  readonly name: string;
  /** Bump when the tables or the way events are applied change: the runner then rebuilds from zero. */
  readonly version: number;
  /** The events it reads. */
  readonly filter: AllFilter;
  /** Logical table names; physical names are `rm_<table>` (live) and `rm_<table>__rebuild` (shadow). */
  readonly tables: readonly string[];
  createTables(db: Kysely<unknown>, names: TableNames): Promise<void>;
  /** Applies one batch, in order, inside the runner's transaction. */
  apply(trx: Transaction<unknown>, events: readonly StoredEvent[], names: TableNames): Promise<void>;
}

export function liveNames(projection: SqlProjection): TableNames {
  return Object.fromEntries(projection.tables.map((table) => [table, `rm_${table}`]));
}

export function shadowNames(projection: SqlProjection): TableNames {
  return Object.fromEntries(projection.tables.map((table) => [table, `rm_${table}__rebuild`]));
}
