import { type Kysely, sql } from 'kysely';
import type { Position } from './event-store/event-store.ts';

/** The checkpoint of the actions nobody owns: those requested before processes had checkpoints of their own. */
export const SHARED_ACTIONS_CHECKPOINT = 'lane:actions';

/** The checkpoint of the actions a process's own players requested. */
export const actionsCheckpointOf = (processId: string) => `${SHARED_ACTIONS_CHECKPOINT}@${processId}`;

/** Whose actions a checkpoint follows: a process id, or undefined for the shared (ownerless) one. */
export function ownerOfActionsCheckpoint(name: string): string | undefined {
  const at = name.indexOf('@');
  return at < 0 ? undefined : name.slice(at + 1);
}

export interface OrphanedActions {
  /** The checkpoint's name (see actionsCheckpointOf). */
  name: string;
  /** Whose actions they are; undefined: those requested with no owner. */
  owner: string | undefined;
  /** Everything up to here was resolved by the owner. */
  position: Position;
  /** How long ago the owner's lease ran out; undefined when it has no lease row (long gone, or never had one). */
  expiredForMs: number | undefined;
}

/**
 * The per-process action checkpoints, and their adoption when a process dies: exactly one live
 * process claims a dead one's checkpoint, resolves what was left after it, then removes it.
 */
export interface ActionPartitions {
  /** Creates the checkpoint at `head` unless it exists (a new process owns nothing before its start). */
  open(name: string, head: Position): Promise<void>;
  /**
   * Claims the checkpoints of processes other than `adopter` and those in `others` (the live ones)
   * that no other live process has claimed (the adopter's own earlier claims are taken again).
   */
  claimOrphans(adopter: string, others: readonly string[]): Promise<OrphanedActions[]>;
  /** Resolved up to `position`, but kept (and claimed): the owner may not have noticed its death yet. */
  advance(name: string, position: Position): Promise<void>;
  /** Done: the checkpoint and its claim go. */
  release(name: string): Promise<void>;
}

/** In the `checkpoints` and `action_adoptions` tables (PostgreSQL or PGlite). */
export class SqlActionPartitions implements ActionPartitions {
  constructor(private readonly db: Kysely<unknown>) {}

  async open(name: string, head: Position): Promise<void> {
    await sql`
      insert into checkpoints (name, position, updated_at) values (${name}, ${head.toString()}, now())
      on conflict (name) do nothing`.execute(this.db);
  }

  /**
   * One statement, so that PostgreSQL's row locks settle races: of two survivors claiming the same
   * checkpoint, the second sees the first's claim (by a live process) and gets nothing.
   */
  async claimOrphans(adopter: string, others: readonly string[]): Promise<OrphanedActions[]> {
    const { rows } = await sql<{ name: string; position: string; expired_for_ms: number | null }>`
      with orphans as (
        select name, position from checkpoints
        where (name = ${SHARED_ACTIONS_CHECKPOINT} or name like ${`${SHARED_ACTIONS_CHECKPOINT}@%`})
          and split_part(name, '@', 2) <> all(${[...others, adopter]}::text[])
      ), claimed as (
        insert into action_adoptions (name, adopted_by, adopted_at)
        select name, ${adopter}, now() from orphans
        on conflict (name) do update set adopted_by = excluded.adopted_by, adopted_at = now()
          where action_adoptions.adopted_by <> all(${[...others]}::text[])
        returning name
      )
      select orphans.name, orphans.position,
        (extract(epoch from now() - leases.expires_at) * 1000)::float8 as expired_for_ms
      from orphans join claimed using (name)
      left join process_leases leases on leases.process_id = split_part(orphans.name, '@', 2)`.execute(
      this.db,
    );
    return rows.map((row) => ({
      name: row.name,
      owner: ownerOfActionsCheckpoint(row.name),
      position: BigInt(row.position),
      expiredForMs: row.expired_for_ms ?? undefined,
    }));
  }

  async advance(name: string, position: Position): Promise<void> {
    await sql`
      update checkpoints set position = ${position.toString()}, updated_at = now()
      where name = ${name} and position < ${position.toString()}`.execute(this.db);
  }

  async release(name: string): Promise<void> {
    await sql`
      with gone as (delete from checkpoints where name = ${name})
      delete from action_adoptions where name = ${name}`.execute(this.db);
  }
}
