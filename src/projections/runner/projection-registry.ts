import type { Logger } from '../../infrastructure/logger.ts';
import type { Metrics } from '../../infrastructure/metrics.ts';
import type { RebuildProgress } from './projection-runner.ts';

/** What operators can do with any read model's runner (SQL tables or Redis hot state). */
export interface ReadModelRunner {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  pause(): void;
  resume(): void;
  rebuildInShadow(): Promise<void>;
  /** Stopped because another process moved its checkpoint (a leader deposed in between). */
  readonly stoodDown?: boolean;
  describe(): Promise<{
    name: string;
    status: string;
    position: string;
    head: string;
    lag_events: number;
    rebuild: RebuildProgress | null;
  }>;
}

export class UnknownProjectionError extends Error {
  override readonly name = 'UnknownProjectionError';
}

/** An operator's command for read models that another process keeps (this one stands by). */
export class NotLeaderError extends Error {
  override readonly name = 'NotLeaderError';
}

export interface RegistryOptions {
  /**
   * Read models kept in this process whatever its role (state held in process, e.g. the hot state
   * without Redis); the others are shared, and kept by one process at a time (`leads`).
   */
  local?: (runner: ReadModelRunner) => boolean;
  /** Whether this process keeps the shared read models now (always, by default). */
  leads?: () => boolean;
}

const LAG_REPORT_INTERVAL_MS = 5_000;

/** Every read model of the process, for start-up, shutdown and the operators' commands. */
export class ProjectionRegistry {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly runners: readonly ReadModelRunner[],
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
    private readonly options: RegistryOptions = {},
  ) {}

  get names(): string[] {
    return this.runners.map((r) => r.name);
  }

  private isLocal(runner: ReadModelRunner): boolean {
    return this.options.local?.(runner) ?? false;
  }

  /** Starts the read models kept in every process (and reports every read model's lag). */
  async startLocal(): Promise<void> {
    for (const runner of this.runners) if (this.isLocal(runner)) await runner.start();
    this.reportLag();
  }

  /** This process now keeps the shared read models (elected). */
  async startShared(): Promise<void> {
    for (const runner of this.runners) if (!this.isLocal(runner)) await runner.start();
    this.reportLag();
  }

  /** Another process keeps them from now on (deposed, or stopping). */
  async stopShared(): Promise<void> {
    for (const runner of this.runners) if (!this.isLocal(runner)) await runner.stop();
  }

  /**
   * While this process leads, restarts the shared read models that stood down (another process moved
   * their checkpoint: a deposed leader wrote once more): they go on from where the store says.
   */
  async restartStoodDown(): Promise<string[]> {
    if (!(this.options.leads?.() ?? true)) return [];
    const restarted: string[] = [];
    for (const runner of this.runners)
      if (!this.isLocal(runner) && runner.stoodDown) {
        await runner.start();
        restarted.push(runner.name);
      }
    if (restarted.length > 0)
      this.logger.warn({ projections: restarted }, 'restarted read models that another process had written');
    return restarted;
  }

  /** Every read model, in this process alone (tools, tests). */
  async start(): Promise<void> {
    for (const runner of this.runners) await runner.start();
    this.reportLag();
  }

  private reportLag(): void {
    if (this.metrics && !this.timer) {
      const metrics = this.metrics;
      this.timer = setInterval(() => {
        void this.status()
          .then((all) => {
            for (const p of all) metrics.projectionLag.set({ projection: p.name }, p.lag_events);
          })
          .catch(() => {});
      }, LAG_REPORT_INTERVAL_MS);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const runner of this.runners) await runner.stop();
  }

  status() {
    return Promise.all(this.runners.map((r) => r.describe()));
  }

  /** `name` is one read model's name or 'all'; shared ones only where this process keeps them. */
  select(name: string): ReadModelRunner[] {
    const chosen = name === 'all' ? [...this.runners] : this.runners.filter((r) => r.name === name);
    if (chosen.length === 0)
      throw new UnknownProjectionError(
        `no read model called "${name}"; known: ${this.names.join(', ')}, all`,
      );
    if (chosen.some((runner) => !this.isLocal(runner)) && !(this.options.leads?.() ?? true))
      throw new NotLeaderError(
        'another process keeps the read models (this one stands by): send the command to the process whose GET /health shows "projections": "leader"',
      );
    return chosen;
  }

  pause(name: string): string[] {
    const chosen = this.select(name);
    for (const runner of chosen) runner.pause();
    return chosen.map((r) => r.name);
  }

  resume(name: string): string[] {
    const chosen = this.select(name);
    for (const runner of chosen) runner.resume();
    return chosen.map((r) => r.name);
  }

  /** Starts rebuilds in the background (progress in status()); returns the names started. */
  rebuild(name: string): string[] {
    const chosen = this.select(name);
    for (const runner of chosen) {
      void runner
        .rebuildInShadow()
        .catch((error) => this.logger.error({ err: error, projection: runner.name }, 'rebuild failed'));
    }
    return chosen.map((r) => r.name);
  }
}
