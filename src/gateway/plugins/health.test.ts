import { describe, expect, it } from 'vitest';
import { HealthStatus } from './health.ts';

const countingCheck = () => {
  const calls = { count: 0, release: () => {} };
  const check = async () => {
    calls.count += 1;
    await new Promise<void>((resolve) => {
      calls.release = resolve;
    });
    return { adapter: 'test' };
  };
  return { calls, check };
};

describe('HealthStatus', () => {
  it('a burst of requests during a check shares that one check', async () => {
    const { calls, check } = countingCheck();
    const health = new HealthStatus({ database: check }, 1_000, () => 0);
    const answers = Array.from({ length: 50 }, () => health.current());
    await Promise.resolve();
    calls.release();
    const reports = await Promise.all(answers);
    expect(calls.count).toBe(1);
    expect(reports.every((r) => r.status === 'ok' && r.components.database?.adapter === 'test')).toBe(true);
  });

  it('answers from the last report until it is maxAgeMs old, then checks again', async () => {
    let now = 0;
    let count = 0;
    const health = new HealthStatus({ database: async () => ({ count: ++count }) }, 1_000, () => now);
    await health.current();
    now = 999;
    expect((await health.current()).components.database?.count).toBe(1);
    now = 1_000;
    expect((await health.current()).components.database?.count).toBe(2);
    expect(count).toBe(2);
  });

  it('a failing component makes the report degraded, with its error', async () => {
    const health = new HealthStatus({
      database: async () => {
        throw new Error('connection refused');
      },
    });
    expect(await health.current()).toMatchObject({
      status: 'degraded',
      components: { database: { status: 'down', error: 'connection refused' } },
    });
  });
});
