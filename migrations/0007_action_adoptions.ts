import { type Kysely, sql } from 'kysely';

/**
 * Each game process resolves the actions its own players request, from a checkpoint of its own
 * (`lane:actions@<process id>` in `checkpoints`). When a process dies, one live process adopts its
 * checkpoint and resolves what was left: a row here says who, so that two survivors never both do.
 * A claim whose adopter died in turn may be taken again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table action_adoptions (
      name text primary key,
      adopted_by text not null,
      adopted_at timestamptz not null default now()
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists action_adoptions`.execute(db);
}
