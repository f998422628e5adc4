import { type Kysely, sql } from 'kysely';
import { ConsumerRunner, READ_MODEL_LINGER_MS } from '../../infrastructure/consumers/consumer-runner.ts';
import type { AtomicSink } from '../../infrastructure/consumers/sink.ts';
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
  /** The first back-off after a failed batch (it doubles up to a few seconds). */
  retryDelayMs?: number;
  /** How long a live batch waits for more events (READ_MODEL_LINGER_MS by default). */
  lingerMs?: number;
}

const SHADOW_SUFFIX = '__rebuild';

/**
 * Keeps one SQL read model current: a consumer follows its events from its checkpoint and applies
 * each batch and the new checkpoint in one transaction. A rebuild fills a shadow copy of the tables
 * from the first event while the live copy keeps serving, then swaps them in one transaction.
 */
export class ProjectionRunner {
  private status: ProjectionStatus = 'stopped';
  private paused = false;
  private rebuild: RebuildProgress | undefined;
  private readonly batchSize: number;
  private readonly consumer: ConsumerRunner;

  constructor(
    readonly projection: SqlProjection,
    private readonly db: Kysely<unknown>,
    private readonly store: EventStore,
    private readonly logger: Logger,
    options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2_000;
    this.consumer = new ConsumerRunner({
      name: projection.name,
      store,
      filter: projection.filter,
      logger,
      maxBatch: this.batchSize,
      lingerMs: options.lingerMs ?? READ_MODEL_LINGER_MS,
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
      sink: this.liveSink(),
    });
  }

  get name(): string {
    return this.projection.name;
  }

  /** The live tables as an atomic sink: each batch and its checkpoint commit in one transaction. */
  private liveSink(): AtomicSink {
    return {
      delivery: 'atomic',
      atomicity: 'sql-transaction',
      loadCheckpoint: async () => (await this.loadState(this.name))?.position,
      apply: (batch) => this.applyBatch(batch.events, liveNames(this.projection), this.name),
    };
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
    }
    await this.consumer.start();
    this.status = this.paused ? 'paused' : 'running';
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    this.status = 'stopped';
  }

  pause(): void {
    this.paused = true;
    this.consumer.pause();
    if (this.status === 'running') this.status = 'paused';
  }

  resume(): void {
    this.paused = false;
    this.consumer.resume();
    if (this.status === 'paused') this.status = 'running';
  }

  /** Resolves once every event of the read model is applied. */
  caughtUp(): Promise<void> {
    return this.consumer.caughtUp();
  }

  async describe() {
    const [head, consumer] = await Promise.all([this.store.headPosition(), this.consumer.status()]);
    return {
      name: this.name,
      status: this.status,
      position: consumer.position.toString(),
      head: head.toString(),
      lag_events: consumer.lag,
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
      // Switch-over: hold the live consumer, take the last few events into the shadow, swap in one transaction.
      progress.phase = 'switching';
      await this.consumer.exclusive(async () => {
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
        return position;
      });
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
}
