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
}

/**
 * This process's heartbeat in the database (`process_leases`), with the server's clock deciding
 * expiry so that the machines' clocks need not agree.
 */
export class ProcessLease {
  private timer: NodeJS.Timeout | undefined;

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
      () => void this.renew().catch((error) => this.options.onRenewalFailed?.(error)),
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

  private async renew(): Promise<void> {
    const ttl = `${this.options.ttlMs} milliseconds`;
    await sql`
      insert into process_leases (process_id, expires_at) values (${this.options.processId}, now() + ${ttl}::interval)
      on conflict (process_id) do update set expires_at = excluded.expires_at`.execute(this.db);
    await sql`delete from process_leases where expires_at < now() - interval '1 hour'`.execute(this.db);
  }
}
