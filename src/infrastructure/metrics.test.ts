import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

async function value(metrics: ReturnType<typeof createMetrics>, name: string, labels: object = {}) {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value;
}

describe('metrics read on scrape', () => {
  it('sums the pools watched, read afresh at each scrape', async () => {
    const metrics = createMetrics();
    const pool = { totalCount: 5, idleCount: 2, waitingCount: 0 };
    metrics.watchPool(pool);
    metrics.watchPool({ totalCount: 1, idleCount: 1, waitingCount: 0 });
    expect(await value(metrics, 'langomni_db_pool_connections', { state: 'total' })).toBe(6);
    pool.idleCount = 0;
    pool.waitingCount = 4;
    expect(await value(metrics, 'langomni_db_pool_connections', { state: 'idle' })).toBe(1);
    expect(await value(metrics, 'langomni_db_pool_connections', { state: 'waiting' })).toBe(4);
  });

  it('shows the active players of this process and of the world', async () => {
    const metrics = createMetrics();
    metrics.watchActivePlayers(() => ({ process: 2, world: 7 }));
    expect(await value(metrics, 'langomni_active_players', { scope: 'process' })).toBe(2);
    expect(await value(metrics, 'langomni_active_players', { scope: 'world' })).toBe(7);
  });

  it('shows the business figures as read, however many scrapes (the NPC total is not added up again)', async () => {
    const metrics = createMetrics();
    let talks = 10;
    metrics.watchBusiness(async () => ({
      questCompletionRatio: 0.25,
      npcInteractions: talks,
      retention: { '1': 0.5, '7': Number.NaN },
    }));
    const text = await metrics.registry.metrics();
    expect(text).toContain('langomni_npc_interactions_total 10\n');
    talks = 12;
    const again = await metrics.registry.metrics();
    expect(again).toContain('langomni_npc_interactions_total 12\n');
    expect(again).toContain('langomni_quest_completion_ratio 0.25\n');
    expect(again).toContain('langomni_retention_ratio{day="1"} 0.5\n');
    // prom-client writes "Nan"; Prometheus reads NaN in any case.
    expect(again).toMatch(/^langomni_retention_ratio\{day="7"\} nan$/im);
  });
});
