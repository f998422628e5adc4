import { type Kysely, sql } from 'kysely';

/**
 * Game processes alive: each renews its row every few seconds. A player's session belongs to the
 * process that holds its socket; when that process stops renewing (a crash, a lost machine), the
 * others end its sessions, so nobody stays "online" forever.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table process_leases (
      process_id text primary key,
      started_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists process_leases`.execute(db);
}
