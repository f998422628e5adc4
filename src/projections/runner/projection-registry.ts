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

const LAG_REPORT_INTERVAL_MS = 5_000;

/** Every read model of the process, for start-up, shutdown and the operators' commands. */
export class ProjectionRegistry {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly runners: readonly ReadModelRunner[],
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {}

  get names(): string[] {
    return this.runners.map((r) => r.name);
  }

  async start(): Promise<void> {
    for (const runner of this.runners) await runner.start();
    if (this.metrics) {
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
    for (const runner of this.runners) await runner.stop();
  }

  status() {
    return Promise.all(this.runners.map((r) => r.describe()));
  }

  /** `name` is one read model's name or 'all'. */
  select(name: string): ReadModelRunner[] {
    if (name === 'all') return [...this.runners];
    const runner = this.runners.find((r) => r.name === name);
    if (!runner)
      throw new UnknownProjectionError(
        `no read model called "${name}"; known: ${this.names.join(', ')}, all`,
      );
    return [runner];
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
