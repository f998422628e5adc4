import { type Kysely, sql } from 'kysely';

export interface ProcessLeaseOptions {
  processId: string;
  /** How long the lease lasts without a renewal. */
  ttlMs: number;
  /** How often it is renewed (a fraction of the TTL, so one missed renewal does not lose it). */
  renewEveryMs: number;
  /** The embedded database serves one process only: every other process id is dead by definition. */
  alone?: boolean;
  onRenewalFailed?: (error: unknown) => void;
  /**
   * The lease ran out before it was renewed (the process stalled or lost the database longer than
   * the TTL): other processes may already have ended its sessions and adopted its actions, so it
   * must not go on serving them. Never called when `alone`.
   */
  onLost?: () => void;
}

/** Renewing a lease that has already run out: the process must stop (see ProcessLeaseOptions.onLost). */
export class LeaseLostError extends Error {
  constructor(processId: string) {
    super(
      `the lease of process ${processId} ran out before it was renewed; others may have taken over its work`,
    );
    this.name = 'LeaseLostError';
  }
}

/**
 * This process's heartbeat in the database (`process_leases`), with the server's clock deciding
 * expiry so that the machines' clocks need not agree.
 */
export class ProcessLease {
  private timer: NodeJS.Timeout | undefined;
  private held = false;

  constructor(
    private readonly db: Kysely<unknown>,
    private readonly options: ProcessLeaseOptions,
  ) {}

  get processId(): string {
    return this.options.processId;
  }

  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(
      () =>
        void this.renew().catch((error) => {
          if (!(error instanceof LeaseLostError)) return this.options.onRenewalFailed?.(error);
          clearInterval(this.timer);
          this.options.onLost?.();
        }),
      this.options.renewEveryMs,
    );
    this.timer.unref();
  }

  /** A clean stop gives the lease up at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await sql`delete from process_leases where process_id = ${this.options.processId}`.execute(this.db);
  }

  /** The processes whose lease has not run out (this one included). */
  async liveProcesses(): Promise<Set<string>> {
    if (this.options.alone) return new Set([this.options.processId]);
    const { rows } = await sql<{ process_id: string }>`
      select process_id from process_leases where expires_at > now()`.execute(this.db);
    return new Set(rows.map((row) => row.process_id));
  }

  /**
   * The processes whose lease has not run out, or ran out less than `ms` ago (by the database's clock):
   * a process that died is not given up on until then (see SessionReaper). When `alone`, earlier runs
   * on the same data are dead whatever their lease says, but they are listed by the same rule: a
   * server restarted soon after a crash gives the crashed run's players the same time to come back.
   */
  async processesAliveWithin(ms: number): Promise<Set<string>> {
    const { rows } = await sql<{ process_id: string }>`
      select process_id from process_leases
      where expires_at > now() - ${`${ms} milliseconds`}::interval`.execute(this.db);
    return new Set([this.options.processId, ...rows.map((row) => row.process_id)]);
  }

  /**
   * The first renewal takes the lease; later ones only extend a lease that has not run out, so a
   * process that stalled past its TTL learns it (LeaseLostError) instead of quietly coming back to
   * life after others took over its players and actions.
   */
  private async renew(): Promise<void> {
    const ttl = `${this.options.ttlMs} milliseconds`;
    if (this.held && !this.options.alone) {
      const { numAffectedRows } = await sql`
        update process_leases set expires_at = now() + ${ttl}::interval
        where process_id = ${this.options.processId} and expires_at > now()`.execute(this.db);
      if (numAffectedRows === 0n) throw new LeaseLostError(this.options.processId);
    } else {
      await sql`
        insert into process_leases (process_id, expires_at) values (${this.options.processId}, now() + ${ttl}::interval)
        on conflict (process_id) do update set expires_at = excluded.expires_at`.execute(this.db);
      this.held = true;
    }
    await sql`delete from process_leases where expires_at < now() - interval '1 hour'`.execute(this.db);
  }
}
