import type { Kysely } from 'kysely';
import type { Position } from './event-store/event-store.ts';

export interface CheckpointStore {
  load(name: string): Promise<Position | undefined>;
  save(name: string, position: Position): Promise<void>;
}

interface CheckpointTables {
  checkpoints: { name: string; position: string; updated_at: Date };
}

/** Checkpoints in the `checkpoints` table (PostgreSQL or PGlite), one row per consumer. */
export class SqlCheckpointStore implements CheckpointStore {
  private constructor(private readonly db: Kysely<CheckpointTables>) {}

  /** On any database migrated by migrations/ (the table is part of 0001). */
  static on<Tables>(db: Kysely<Tables>): SqlCheckpointStore {
    return new SqlCheckpointStore(db as unknown as Kysely<CheckpointTables>);
  }

  async load(name: string): Promise<Position | undefined> {
    const row = await this.db
      .selectFrom('checkpoints')
      .select('position')
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? BigInt(row.position) : undefined;
  }

  async save(name: string, position: Position): Promise<void> {
    await this.db
      .insertInto('checkpoints')
      .values({ name, position: position.toString(), updated_at: new Date() })
      .onConflict((oc) =>
        oc.column('name').doUpdateSet({ position: position.toString(), updated_at: new Date() }),
      )
      .execute();
  }
}
