import { type Kysely, sql } from 'kysely';

/** Where each read model is: its version and checkpoint (live, and a rebuild's shadow copy). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table projection_state (
      name text primary key,
      version int not null,
      position bigint not null,
      updated_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists projection_state`.execute(db);
}
