import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { withTimeout } from '../../infrastructure/timeout.ts';
import { limits } from '../../limits.ts';
import type { GatewayDeps } from '../deps.ts';

const CHECK_TIMEOUT_MS = 2_000;

type Checks = GatewayDeps['healthChecks'];

export interface HealthReport {
  status: 'ok' | 'degraded';
  checked_at: string;
  components: Record<string, Record<string, unknown>>;
}

/**
 * The components' status, checked at most once per `maxAgeMs` however often it is asked: requests in
 * between get the last report, and requests during a check share it. A flood of GET /health costs
 * the database nothing more.
 */
export class HealthStatus {
  private last?: { at: number; report: HealthReport };
  private running?: Promise<HealthReport>;

  constructor(
    private readonly checks: Checks,
    private readonly maxAgeMs: number = limits.healthCacheMs,
    private readonly now: () => number = () => performance.now(),
  ) {}

  current(): Promise<HealthReport> {
    if (this.last && this.now() - this.last.at < this.maxAgeMs) return Promise.resolve(this.last.report);
    this.running ??= this.checkAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async checkAll(): Promise<HealthReport> {
    const entries = await Promise.all(
      Object.entries(this.checks).map(async ([name, check]) => {
        const started = performance.now();
        try {
          const details = await withTimeout(
            check(),
            CHECK_TIMEOUT_MS,
            () => new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`),
          );
          return [
            name,
            { status: 'up', latency_ms: Math.round(performance.now() - started), ...details },
          ] as const;
        } catch (error) {
          return [name, { status: 'down', error: (error as Error).message }] as const;
        }
      }),
    );
    const up = entries.every(([, c]) => c.status === 'up');
    const report: HealthReport = {
      status: up ? 'ok' : 'degraded',
      checked_at: new Date().toISOString(),
      components: Object.fromEntries(entries),
    };
    this.last = { at: this.now(), report };
    return report;
  }
}

/** GET /health: every component with its status (at most a second old); 503 when one is down. */
export const healthPlugin = fp(
  async (app: FastifyInstance, deps: Pick<GatewayDeps, 'healthChecks'> & { healthCacheMs?: number }) => {
    const health = new HealthStatus(deps.healthChecks, deps.healthCacheMs);
    app.get('/health', { config: { rateLimit: false } }, async (_request, reply) => {
      const report = await health.current();
      return reply.code(report.status === 'ok' ? 200 : 503).send(report);
    });
  },
);
