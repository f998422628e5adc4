import { type Kysely, sql } from 'kysely';

/**
 * Password hashes, out of the event log (which analysts read and export). `account_key` is the
 * account stream's name (the lower-cased username); `name_key` its confusable skeleton, unique among
 * the names registered since: names moved from old events may already share one (`moved`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table credentials (
      player_id text primary key,
      account_key text not null unique,
      username text not null,
      name_key text not null,
      password_hash text not null,
      moved boolean not null default false,
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create unique index credentials_name_key on credentials (name_key) where not moved`.execute(db);
  await sql`create index credentials_name_key_all on credentials (name_key)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists credentials`.execute(db);
}
