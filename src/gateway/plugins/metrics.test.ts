import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../../infrastructure/metrics.ts';
import { metricsListenerPlugin } from './metrics.ts';

describe('the metrics listener (METRICS_PORT)', () => {
  const apps: ReturnType<typeof Fastify>[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('serves /metrics without a token on its own port, and nothing else', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(metricsListenerPlugin, {
      metrics: createMetrics(),
      metricsListener: { host: '127.0.0.1', port: 0 },
    });
    await app.ready();
    const { port } = app.metricsServer!.server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('# TYPE');
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(404);
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(404);
  });

  it('opens no listener without METRICS_PORT', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(metricsListenerPlugin, { metrics: createMetrics() });
    await app.ready();
    expect(app.metricsServer).toBeUndefined();
  });
});
