import { type Kysely, sql } from 'kysely';
import type { EventStore, Position, StoredEvent } from '../../infrastructure/event-store/event-store.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import { liveNames, type SqlProjection, shadowNames, type TableNames } from './projection.ts';

export type ProjectionStatus = 'running' | 'paused' | 'rebuilding' | 'stopped';

export interface RebuildProgress {
  phase: 'catching_up' | 'switching' | 'done' | 'failed';
  processed: number;
  total: number;
  events_per_s: number;
  eta_s: number | null;
  error?: string;
}

export interface RunnerOptions {
  batchSize?: number;
  /** How long an idle runner waits before looking for new events. */
  pollIntervalMs?: number;
}

const SHADOW_SUFFIX = '__rebuild';
/** The longest an idle runner waits between looks: the lag of the first event after a quiet spell. */
const IDLE_POLL_MAX_MS = 1_000;

/**
 * Keeps one SQL read model current: reads its events in batches after its checkpoint and applies each
 * batch and the new checkpoint in one transaction. A rebuild fills a shadow copy of the tables from
 * the first event while the live copy keeps serving, then swaps them in one transaction.
 */
export class ProjectionRunner {
  private status: ProjectionStatus = 'stopped';
  private position: Position = -1n;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private paused = false;
  private stopping = false;
  /** Held by a batch of the live loop; a switch-over waits for it. */
  private batchLock: Promise<void> = Promise.resolve();
  private rebuild: RebuildProgress | undefined;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;

  constructor(
    readonly projection: SqlProjection,
    private readonly db: Kysely<unknown>,
    private readonly store: EventStore,
    private readonly logger: Logger,
    options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
  }

  get name(): string {
    return this.projection.name;
  }

  /** Creates the tables (rebuilding from zero when the projection's version changed) and starts following. */
  async start(): Promise<void> {
    const state = await this.loadState(this.name);
    if (!state || state.version !== this.projection.version) {
      if (state)
        this.logger.info(
          { projection: this.name, from: state.version, to: this.projection.version },
          'read model version changed: rebuilding from zero',
        );
      await this.db.transaction().execute(async (trx) => {
        await this.dropTables(trx, liveNames(this.projection));
        await this.projection.createTables(trx, liveNames(this.projection));
        await this.saveState(trx, this.name, -1n);
      });
      this.position = -1n;
    } else {
      this.position = state.position;
    }
    this.stopping = false;
    this.status = this.paused ? 'paused' : 'running';
    this.loop = this.follow();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.status = 'stopped';
  }

  pause(): void {
    this.paused = true;
    if (this.status === 'running') this.status = 'paused';
  }

  resume(): void {
    this.paused = false;
    if (this.status === 'paused') this.status = 'running';
    this.wake?.();
  }

  async describe() {
    const head = await this.store.headPosition();
    const pending = await this.store.readAll({
      after: this.position,
      filter: this.projection.filter,
      maxCount: 10_001,
    });
    return {
      name: this.name,
      status: this.status,
      position: this.position.toString(),
      head: head.toString(),
      lag_events: pending.length,
      rebuild: this.rebuild ?? null,
    };
  }

  /** Rebuilds into a shadow copy and swaps it in; the live copy serves until the swap. */
  async rebuildInShadow(): Promise<void> {
    if (this.rebuild && this.rebuild.phase !== 'done' && this.rebuild.phase !== 'failed')
      throw new Error(`${this.name} is already rebuilding`);
    const shadow = shadowNames(this.projection);
    // Recorded before the first await, so a status request right after starting already sees it.
    const progress: RebuildProgress = {
      phase: 'catching_up',
      processed: 0,
      total: 0,
      events_per_s: 0,
      eta_s: null,
    };
    this.rebuild = progress;
    const previousStatus = this.status;
    this.status = 'rebuilding';
    const started = performance.now();
    try {
      progress.total = (await this.store.countEvents?.(this.projection.filter)) ?? 0;
      await this.db.transaction().execute(async (trx) => {
        await this.dropTables(trx, shadow);
        await this.projection.createTables(trx, shadow);
        await this.saveState(trx, `${this.name}${SHADOW_SUFFIX}`, -1n);
      });
      let position: Position = -1n;
      const catchUp = async () => {
        for (;;) {
          const batch = await this.store.readAll({
            after: position,
            filter: this.projection.filter,
            maxCount: this.batchSize,
          });
          if (batch.length === 0) return;
          position = batch[batch.length - 1]!.position;
          await this.applyBatch(batch, shadow, `${this.name}${SHADOW_SUFFIX}`);
          progress.processed += batch.length;
          const seconds = (performance.now() - started) / 1000;
          progress.events_per_s = Math.round(progress.processed / Math.max(seconds, 0.001));
          progress.total = Math.max(progress.total, progress.processed);
          progress.eta_s =
            progress.events_per_s > 0
              ? Math.round((progress.total - progress.processed) / progress.events_per_s)
              : null;
          if (batch.length < this.batchSize) return;
        }
      };
      await catchUp();
      // Switch-over: hold the live loop, take the last few events into the shadow, swap in one transaction.
      progress.phase = 'switching';
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const previousLock = this.batchLock;
      this.batchLock = held;
      await previousLock;
      try {
        await catchUp();
        await this.db.transaction().execute(async (trx) => {
          const live = liveNames(this.projection);
          await this.dropTables(trx, live);
          for (const table of this.projection.tables) {
            await sql`alter table ${sql.table(shadow[table]!)} rename to ${sql.table(live[table]!)}`.execute(
              trx,
            );
          }
          await this.saveState(trx, this.name, position);
          await sql`delete from projection_state where name = ${`${this.name}${SHADOW_SUFFIX}`}`.execute(trx);
        });
        this.position = position;
      } finally {
        release();
      }
      progress.phase = 'done';
      progress.eta_s = 0;
      this.logger.info(
        { projection: this.name, events: progress.processed, events_per_s: progress.events_per_s },
        'read model rebuilt and switched over',
      );
    } catch (error) {
      progress.phase = 'failed';
      progress.error = (error as Error).message;
      this.logger.error(
        { err: error, projection: this.name },
        'rebuild failed; the live read model is unchanged',
      );
      throw error;
    } finally {
      this.status = previousStatus === 'stopped' ? 'stopped' : this.paused ? 'paused' : 'running';
    }
  }

  private async follow(): Promise<void> {
    // Idle, the runner looks less and less often (up to IDLE_POLL_MAX_MS); any event brings it back.
    let idleDelay = this.pollIntervalMs;
    while (!this.stopping) {
      let applied = 0;
      if (!this.paused) {
        try {
          applied = await this.step();
        } catch (error) {
          this.logger.error({ err: error, projection: this.name }, 'read model batch failed; retrying');
          await this.sleep(1_000);
          continue;
        }
      }
      idleDelay = applied > 0 ? this.pollIntervalMs : Math.min(idleDelay * 2, IDLE_POLL_MAX_MS);
      if (applied < this.batchSize) await this.sleep(idleDelay);
    }
  }

  /** One live batch, under the lock that a switch-over takes. */
  private async step(): Promise<number> {
    let release!: () => void;
    const previous = this.batchLock;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.batchLock = previous.then(() => mine);
    await previous;
    try {
      const batch = await this.store.readAll({
        after: this.position,
        filter: this.projection.filter,
        maxCount: this.batchSize,
      });
      if (batch.length === 0) return 0;
      await this.applyBatch(batch, liveNames(this.projection), this.name);
      this.position = batch[batch.length - 1]!.position;
      return batch.length;
    } finally {
      release();
    }
  }

  private async applyBatch(
    batch: readonly StoredEvent[],
    names: TableNames,
    stateName: string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.projection.apply(trx, batch, names);
      await this.saveState(trx, stateName, batch[batch.length - 1]!.position);
    });
  }

  private async loadState(name: string): Promise<{ version: number; position: Position } | undefined> {
    const { rows } = await sql<{
      version: number;
      position: string;
    }>`select version, position from projection_state where name = ${name}`.execute(this.db);
    const row = rows[0];
    return row ? { version: row.version, position: BigInt(row.position) } : undefined;
  }

  private async saveState(db: Kysely<unknown>, name: string, position: Position): Promise<void> {
    await sql`
      insert into projection_state (name, version, position, updated_at)
      values (${name}, ${this.projection.version}, ${position.toString()}, now())
      on conflict (name) do update set version = excluded.version, position = excluded.position, updated_at = now()`.execute(
      db,
    );
  }

  private async dropTables(db: Kysely<unknown>, names: TableNames): Promise<void> {
    for (const table of Object.values(names))
      await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
