import { type Kysely, sql } from 'kysely';
import { quoteIdentifier } from '../../infrastructure/database.ts';
import type { StoredEvent } from '../../infrastructure/event-store/event-store.ts';
import type { SqlProjection, TableNames } from '../runner/projection.ts';
import {
  ANALYTICS_COLUMNS,
  ANALYTICS_RECORD_COLUMNS,
  ANALYTICS_VIEWS,
  analyticsFields,
  analyticsViewsSql,
  questDefinitionsSql,
  replaceQuestDefinitions,
} from './analytics-views.ts';
import { lastContentLoaded, recordset } from './batch.ts';

const columns = `
  position bigint not null,
  at timestamptz not null,
  stream_id text not null,
  category text not null,
  event_type text not null,
  player_id text,
  action_type text,
  source text,${ANALYTICS_COLUMNS}`;

/** Without TimescaleDB: a plain table, a BRIN index on time (rows arrive in time order) and a plain view. */
export function plainEventLogSql(names: TableNames): string[] {
  const table = quoteIdentifier(names.event_log!);
  return [
    `create table ${table} (${columns},\n  primary key (position))`,
    `create index on ${table} using brin (at)`,
    `create index on ${table} (event_type, at)`,
    `create view ${quoteIdentifier(names.event_log_actions_per_minute!)} as
       select date_trunc('minute', at) as minute, action_type, count(*) as actions
         from ${table} where event_type = 'ActionRequested' group by 1, 2`,
  ];
}

/**
 * With TimescaleDB: a hypertable on `at` (its unique keys must hold the time column, hence the primary
 * key) and a continuous aggregate, created empty (WITH NO DATA is what TimescaleDB allows inside the
 * runner's transaction) and kept up to date by a refresh policy; real-time aggregation adds the minutes
 * not yet materialized. TimescaleDB is not available where the tests run: this path is tested as text.
 */
export function timescaleEventLogSql(names: TableNames): string[] {
  const table = quoteIdentifier(names.event_log!);
  const view = quoteIdentifier(names.event_log_actions_per_minute!);
  return [
    `create table ${table} (${columns},\n  primary key (position, at))`,
    `select create_hypertable('${table}', 'at', chunk_time_interval => interval '1 day', create_default_indexes => false)`,
    `create index on ${table} using brin (at)`,
    `create index on ${table} (event_type, at)`,
    `create materialized view ${view}
       with (timescaledb.continuous, timescaledb.materialized_only = false) as
       select time_bucket('1 minute', at) as minute, action_type, count(*) as actions
         from ${table} where event_type = 'ActionRequested'
        group by time_bucket('1 minute', at), action_type
       with no data`,
    `select add_continuous_aggregate_policy('${view}', start_offset => interval '1 hour',
       end_offset => interval '1 minute', schedule_interval => interval '1 minute')`,
  ];
}

/** Whether TimescaleDB is there, creating the extension when it is available and we may. */
async function timescaleReady(db: Kysely<unknown>): Promise<boolean> {
  const { rows } = await sql<{ installed: string | null }>`
    select installed_version as installed from pg_available_extensions where name = 'timescaledb'`.execute(
    db,
  );
  if (rows.length === 0) return false;
  if (rows[0]!.installed) return true;
  // A failed statement would abort the runner's transaction: try inside a savepoint.
  const guarded = db.isTransaction;
  if (guarded) await sql`savepoint timescaledb`.execute(db);
  try {
    await sql`create extension if not exists timescaledb`.execute(db);
    if (guarded) await sql`release savepoint timescaledb`.execute(db);
    return true;
  } catch {
    if (guarded) await sql`rollback to savepoint timescaledb`.execute(db);
    return false;
  }
}

/** What analytics group by, read defensively: this log takes every event there is, of any shape. */
function logRow(stored: StoredEvent) {
  const data = (stored.data ?? {}) as {
    playerId?: unknown;
    action?: { action_type?: string };
    result?: { action_type?: string };
    source?: string;
  };
  const playerId = stored.metadata.playerId ?? data.playerId;
  const resolved = stored.type === 'ActionResolved';
  const actionType =
    stored.type === 'ActionRequested' ? data.action?.action_type : resolved ? data.result?.action_type : null;
  return {
    position: stored.position.toString(),
    at: stored.metadata.timestamp,
    stream_id: stored.streamId,
    category: stored.streamId.split('-', 1)[0]!,
    event_type: stored.type,
    player_id: typeof playerId === 'string' ? playerId : null,
    action_type: actionType ?? null,
    source: resolved ? (data.source ?? null) : null,
    ...analyticsFields(stored),
  };
}

/**
 * The analytics log: one row per event of every kind, the quest definitions in force, actions requested
 * per minute and the analysts' views (analytics-views.ts).
 *
 * Each view is one of `tables` (after the tables it reads: the runner drops in this order, and the
 * table's CASCADE has already taken the view when `drop table if exists` reaches its name). So the
 * runner renames it with the table when a rebuild swaps in: the shadow's view, which points at the
 * shadow table whatever its name, becomes the live view under the live name. Recreating views after
 * the swap would need a hook the runner does not have.
 */
export const eventLogProjection: SqlProjection = {
  name: 'event_log',
  version: 2,
  filter: {},
  // Tables first, then the views over them (see above).
  tables: ['event_log', 'event_log_quests', 'event_log_actions_per_minute', ...ANALYTICS_VIEWS],

  async createTables(db, names) {
    const statements = (await timescaleReady(db)) ? timescaleEventLogSql(names) : plainEventLogSql(names);
    statements.push(questDefinitionsSql(names), ...analyticsViewsSql(names));
    for (const statement of statements) await sql.raw(statement).execute(db);
  },

  async apply(trx, events, names) {
    if (events.length === 0) return;
    const loaded = lastContentLoaded(events);
    if (loaded) await replaceQuestDefinitions(trx, names, loaded);
    await sql`
      insert into ${sql.table(names.event_log!)}
        (position, at, stream_id, category, event_type, player_id, action_type, source, session_id,
         location_id, npc_id, quest_id, step, change, score, emotion, killed_by)
      select * from jsonb_to_recordset(${recordset(events.map(logRow))}) as e(
        position bigint, at timestamptz, stream_id text, category text, event_type text, player_id text,
        action_type text, source text, ${sql.raw(ANALYTICS_RECORD_COLUMNS)})
      on conflict do nothing`.execute(trx);
  },
};
