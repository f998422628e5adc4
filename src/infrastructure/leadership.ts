import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from './logger.ts';
import { withTimeout } from './timeout.ts';

export type LeadershipRole = 'leader' | 'standby';

/** For /health: the role and since when (ISO time) this process has had it. */
export interface LeadershipStatus {
  role: LeadershipRole;
  since: string;
}

export interface LeadershipCallbacks {
  /** This process became the leader: start the work only one process may do. */
  onElected: () => Promise<void>;
  /**
   * This process is no longer the leader (its lock connection failed, stop(), or onElected threw):
   * stop that work. Called once after each onElected, never concurrently with it.
   */
  onDeposed: () => Promise<void>;
}

/** Which one process among those sharing a database runs the work that must run once (read models). */
export interface Leadership {
  readonly isLeader: boolean;
  status(): LeadershipStatus;
  start(): Promise<void>;
  /** Stops the work (onDeposed) if leading, then lets another process take over. */
  stop(): Promise<void>;
}

/** The embedded database serves one process only: it is always the leader. */
export class AloneLeadership implements Leadership {
  private role: LeadershipRole = 'standby';
  private since = new Date();

  constructor(private readonly callbacks: LeadershipCallbacks) {}

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  status(): LeadershipStatus {
    return { role: this.role, since: this.since.toISOString() };
  }

  /** Runs onElected; an error is thrown back (there is no other process to take over). */
  async start(): Promise<void> {
    if (this.role === 'leader') return;
    this.setRole('leader');
    try {
      await this.callbacks.onElected();
    } catch (error) {
      await this.stop().catch(() => {});
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.role !== 'leader') return;
    this.setRole('standby');
    await this.callbacks.onDeposed();
  }

  private setRole(role: LeadershipRole): void {
    this.role = role;
    this.since = new Date();
  }
}

/** The 64-bit advisory lock key of a name within a schema (games on one database in other schemas do not collide). */
export function advisoryLockKey(name: string, schema = ''): bigint {
  return createHash('sha256').update(`${name}\0${schema}`).digest().readBigInt64BE(0);
}

export interface AdvisoryLockLeadershipOptions extends LeadershipCallbacks {
  /** The PostgreSQL server (DATABASE_URL). */
  url: string;
  /** DATABASE_SCHEMA: part of the lock's key, so each game on the server has its own leader. */
  schema?: string;
  /** What is led, e.g. 'langomni:projections'. */
  name: string;
  /** A standby tries to take the lock this often; the leader checks its connection this often. */
  retryEveryMs: number;
  /** How long a connect or a check may take before the connection counts as lost; default retryEveryMs (at most 5 s). */
  checkTimeoutMs?: number;
  logger: Logger;
}

/**
 * Leader election by a session-level advisory lock (`pg_try_advisory_lock`) held on a connection of
 * its own, outside the pool: the lock lives exactly as long as that connection. The server releases
 * it when the connection dies (a crash, a network cut once TCP gives up, pg_terminate_backend), and a
 * standby takes it at its next try. A leader that loses its connection calls onDeposed as soon as it
 * notices (the connection's error or end, or a failed `select 1`), and becomes a standby. Between the
 * server releasing the lock and the old leader noticing, both may run: the read models' checkpoints
 * are compare-and-set (CheckpointMovedError), so the late one is refused rather than apply twice.
 */
export class AdvisoryLockLeadership implements Leadership {
  readonly key: bigint;
  private role: LeadershipRole = 'standby';
  private since = new Date();
  private client: pg.Client | undefined;
  /** The client reported an error or its end: it is dropped at the next turn. */
  private lost = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  /** Turns (tries, checks, stop) run one after another. */
  private turn: Promise<void> = Promise.resolve();
  private failingSince: number | undefined;
  private readonly timeoutMs: number;

  constructor(private readonly options: AdvisoryLockLeadershipOptions) {
    if (!Number.isFinite(options.retryEveryMs) || options.retryEveryMs <= 0)
      throw new RangeError('retryEveryMs must be a positive number of ms');
    this.key = advisoryLockKey(options.name, options.schema);
    this.timeoutMs = options.checkTimeoutMs ?? Math.min(options.retryEveryMs, 5_000);
  }

  get isLeader(): boolean {
    return this.role === 'leader';
  }

  status(): LeadershipStatus {
    return { role: this.role, since: this.since.toISOString() };
  }

  /** Makes the first try (and runs onElected if it wins) before it resolves; never rejects for the database's sake. */
  async start(): Promise<void> {
    if (this.running) throw new Error(`leadership ${this.options.name} is already started`);
    this.running = true;
    await this.nextTurn();
  }

  /** Runs onDeposed if leading, then unlocks and closes the connection: a standby takes over at its next try. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.turn;
    if (this.role === 'leader') await this.depose('stopping');
    else await this.release();
  }

  private nextTurn(): Promise<void> {
    const turn = this.turn.then(async () => {
      if (!this.running) return;
      try {
        await (this.role === 'leader' ? this.check() : this.tryToLead());
      } catch (error) {
        this.logger.error({ err: error, lock: this.options.name }, 'leader election turn failed');
      }
      this.schedule(this.options.retryEveryMs);
    });
    this.turn = turn;
    return turn;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.nextTurn(), delayMs);
  }

  private async tryToLead(): Promise<void> {
    let locked: boolean;
    try {
      const client = await this.connection();
      const { rows } = await client.query<{ locked: boolean }>(
        'select pg_try_advisory_lock($1::bigint) as locked',
        [this.key.toString()],
      );
      locked = rows[0]?.locked === true;
      if (this.failingSince !== undefined) {
        this.logger.info({ lock: this.options.name }, 'leader election reaches the database again');
        this.failingSince = undefined;
      }
    } catch (error) {
      if (this.failingSince === undefined) {
        this.failingSince = Date.now();
        this.logger.warn(
          { err: error, lock: this.options.name },
          'leader election cannot reach the database; trying again',
        );
      }
      await this.release();
      return;
    }
    if (!locked) return;
    this.setRole('leader');
    this.logger.info({ lock: this.options.name }, 'elected leader');
    try {
      await this.options.onElected();
    } catch (error) {
      this.logger.error(
        { err: error, lock: this.options.name },
        'could not start as the leader; giving the lock up and trying again later',
      );
      await this.depose('its start failed');
    }
  }

  /** The leader's turn: its connection must still answer, or it steps down (and tries again next turn). */
  private async check(): Promise<void> {
    if (!this.lost) {
      try {
        await this.client!.query('select 1');
        return;
      } catch (error) {
        this.logger.warn(
          { err: error, lock: this.options.name },
          'the leader lock connection does not answer',
        );
      }
    }
    await this.depose('its lock connection was lost');
  }

  private async depose(reason: string): Promise<void> {
    this.setRole('standby');
    this.logger[reason === 'stopping' ? 'info' : 'warn'](
      { lock: this.options.name, reason },
      'no longer the leader',
    );
    try {
      await this.options.onDeposed();
    } catch (error) {
      this.logger.error({ err: error, lock: this.options.name }, 'stopping the leader work failed');
    }
    await this.release();
  }

  /** A connected client of its own (a new one after a loss). */
  private async connection(): Promise<pg.Client> {
    if (this.client && !this.lost) return this.client;
    await this.release();
    const client = new pg.Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      keepAlive: true,
      application_name: `langomni leader election: ${this.options.name}`.slice(0, 63),
    });
    // Without a listener, an error of an idle connection would crash the process.
    client.on('error', (error) => this.connectionLost(client, error));
    client.on('end', () => this.connectionLost(client));
    try {
      await client.connect();
    } catch (error) {
      await closeQuietly(client, this.timeoutMs);
      throw error;
    }
    this.client = client;
    this.lost = false;
    return client;
  }

  private connectionLost(client: pg.Client, error?: Error): void {
    if (client !== this.client || this.lost) return;
    this.lost = true;
    if (this.role !== 'leader') return;
    this.logger.warn({ err: error, lock: this.options.name }, 'the leader lock connection was lost');
    // Step down now rather than at the next check.
    this.schedule(0);
  }

  /** Unlocks (when the connection still works) and closes the connection; ending the session would release the lock anyway. */
  private async release(): Promise<void> {
    const client = this.client;
    const lost = this.lost;
    this.client = undefined;
    this.lost = false;
    if (!client) return;
    if (!lost)
      await withTimeout(
        client.query('select pg_advisory_unlock_all()'),
        this.timeoutMs,
        () => new Error('unlock timed out'),
      ).catch(() => {});
    await closeQuietly(client, this.timeoutMs);
  }

  private setRole(role: LeadershipRole): void {
    this.role = role;
    this.since = new Date();
  }

  private get logger(): Logger {
    return this.options.logger;
  }
}

async function closeQuietly(client: pg.Client, timeoutMs: number): Promise<void> {
  await withTimeout(client.end(), timeoutMs, () => new Error('close timed out')).catch(() => {});
}
