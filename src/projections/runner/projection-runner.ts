import { type Kysely, sql } from 'kysely';
import { CheckpointMovedError } from '../../infrastructure/consumers/checkpoint-moved.ts';
import { ConsumerRunner, READ_MODEL_LINGER_MS } from '../../infrastructure/consumers/consumer-runner.ts';
import type { AtomicSink } from '../../infrastructure/consumers/sink.ts';
import { StandDown } from '../../infrastructure/consumers/stand-down.ts';
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
 *
 * Every checkpoint save is a compare-and-set on the position the batch started from (and the version),
 * so a second process running the same read model (a leader deposed that has not noticed yet) cannot
 * apply a batch twice: its transaction is refused with CheckpointMovedError and it stops applying.
 */
export class ProjectionRunner {
  private status: ProjectionStatus = 'stopped';
  private paused = false;
  private rebuild: RebuildProgress | undefined;
  private readonly batchSize: number;
  private readonly consumer: ConsumerRunner;
  /** Set when another process moved the checkpoint: the consumer is being stopped. */
  private readonly standDown: StandDown;

  constructor(
    readonly projection: SqlProjection,
    private readonly db: Kysely<unknown>,
    private readonly store: EventStore,
    private readonly logger: Logger,
    options: RunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2_000;
    this.standDown = new StandDown(() => this.consumer.stop(), logger, 'this read model', projection.name);
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
      apply: async (batch) => {
        try {
          // During a delivery the consumer's position is still where this batch starts.
          const from = this.consumer.currentPosition;
          await this.applyBatch(batch.events, liveNames(this.projection), this.name, from);
        } catch (error) {
          if (error instanceof CheckpointMovedError) {
            this.status = 'stopped';
            this.standDown.begin(error);
          }
          throw error;
        }
      },
    };
  }

  /** Creates the tables (rebuilding from zero when the projection's version changed) and starts following. */
  async start(): Promise<void> {
    await this.standDown.settle(true);
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
        await this.resetState(trx, this.name);
      });
    }
    await this.consumer.start();
    this.status = this.paused ? 'paused' : 'running';
  }

  /** It stopped because another process moved its checkpoint (and was not started since). */
  get stoodDown(): boolean {
    return this.standDown.active;
  }

  async stop(): Promise<void> {
    await this.standDown.settle();
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
        await this.resetState(trx, `${this.name}${SHADOW_SUFFIX}`);
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
          await this.applyBatch(batch, shadow, `${this.name}${SHADOW_SUFFIX}`, position);
          position = batch[batch.length - 1]!.position;
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
        // The live consumer is held, so the live checkpoint must still be its position.
        const live = this.consumer.currentPosition;
        await this.db.transaction().execute(async (trx) => {
          await this.advanceState(trx, this.name, live, position);
          const names = liveNames(this.projection);
          await this.dropTables(trx, names);
          for (const table of this.projection.tables) {
            await sql`alter table ${sql.table(shadow[table]!)} rename to ${sql.table(names[table]!)}`.execute(
              trx,
            );
          }
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
      this.status =
        previousStatus === 'stopped' || this.standDown.active
          ? 'stopped'
          : this.paused
            ? 'paused'
            : 'running';
    }
  }

  private async applyBatch(
    batch: readonly StoredEvent[],
    names: TableNames,
    stateName: string,
    from: Position,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // The checkpoint first: a runner that lost the race spends no work on the batch.
      await this.advanceState(trx, stateName, from, batch[batch.length - 1]!.position);
      await this.projection.apply(trx, batch, names);
    });
  }

  private async loadState(
    name: string,
    db: Kysely<unknown> = this.db,
  ): Promise<{ version: number; position: Position } | undefined> {
    const { rows } = await sql<{
      version: number;
      position: string;
    }>`select version, position from projection_state where name = ${name}`.execute(db);
    const row = rows[0];
    return row ? { version: row.version, position: BigInt(row.position) } : undefined;
  }

  /** Starts a copy from zero (its tables are dropped and created in the same transaction). */
  private async resetState(db: Kysely<unknown>, name: string): Promise<void> {
    await sql`
      insert into projection_state (name, version, position, updated_at)
      values (${name}, ${this.projection.version}, -1, now())
      on conflict (name) do update set version = excluded.version, position = excluded.position, updated_at = now()`.execute(
      db,
    );
  }

  /**
   * Moves the checkpoint from `from` to `to`, or throws CheckpointMovedError (rolling the transaction
   * back) when it is no longer at `from` in this version. The row is locked until the commit, so of
   * two writers of one batch the second waits, then finds the checkpoint moved.
   */
  private async advanceState(db: Kysely<unknown>, name: string, from: Position, to: Position): Promise<void> {
    const { rows } = await sql<{ name: string }>`
      update projection_state set position = ${to.toString()}, updated_at = now()
      where name = ${name} and version = ${this.projection.version} and position = ${from.toString()}
      returning name`.execute(db);
    if (rows.length > 0) return;
    throw new CheckpointMovedError(name, from, (await this.loadState(name, db))?.position);
  }

  private async dropTables(db: Kysely<unknown>, names: TableNames): Promise<void> {
    for (const table of Object.values(names))
      await sql`drop table if exists ${sql.table(table)} cascade`.execute(db);
  }
}
