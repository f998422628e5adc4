import { describe, expect, it } from 'vitest';
import { LlmBackendError } from '../backends/llm-backend.ts';
import { LaneScheduler, LaneUnavailableError } from './lane-scheduler.ts';
import { inertBackend } from './testing/inert-backend.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('lane scheduler', () => {
  it('serves waiting jobs by priority: combat, then dialogue, then exploration', async () => {
    const scheduler = new LaneScheduler('world', [{ backend: inertBackend('a'), maxSlots: 1 }], {
      maxQueueWaitMs: 5_000,
    });
    const order: string[] = [];
    const job = (label: string, ms: number) => async () => {
      order.push(label);
      await sleep(ms);
      return label;
    };
    const first = scheduler.submit('exploration', job('busy', 40));
    const waiting = [
      scheduler.submit('exploration', job('explore', 1)),
      scheduler.submit('dialogue', job('talk', 1)),
      scheduler.submit('combat', job('fight', 1)),
    ];
    await Promise.all([first, ...waiting]);
    expect(order).toEqual(['busy', 'fight', 'talk', 'explore']);
  });

  it('spreads jobs over instances, least loaded first', async () => {
    const a = inertBackend('npc-a');
    const b = inertBackend('npc-b');
    const scheduler = new LaneScheduler(
      'npc',
      [
        { backend: a, maxSlots: 2 },
        { backend: b, maxSlots: 2 },
      ],
      { maxQueueWaitMs: 5_000 },
    );
    const used: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, () =>
        scheduler.submit('dialogue', async (backend) => {
          used.push(backend.name);
          await sleep(20);
        }),
      ),
    );
    expect(used.sort()).toEqual(['npc-a', 'npc-a', 'npc-b', 'npc-b']);
  });

  it('refuses at once a job whose predicted wait is over the limit', async () => {
    const scheduler = new LaneScheduler('world', [{ backend: inertBackend('slow'), maxSlots: 1 }], {
      maxQueueWaitMs: 100,
      targetServiceMs: 400,
    });
    const busy = scheduler.submit('exploration', () => sleep(300));
    const refused = scheduler.submit('exploration', () => sleep(1));
    await expect(refused).rejects.toMatchObject({ name: 'LaneUnavailableError', reason: 'queue_wait' });
    await busy;
  });

  it('refuses a job that has waited longer than the limit', async () => {
    const scheduler = new LaneScheduler('world', [{ backend: inertBackend('slow'), maxSlots: 1 }], {
      maxQueueWaitMs: 60,
      targetServiceMs: 10,
    });
    const busy = scheduler.submit('combat', () => sleep(200));
    const started = performance.now();
    const waiting = scheduler.submit('combat', () => sleep(1));
    await expect(waiting).rejects.toBeInstanceOf(LaneUnavailableError);
    expect(performance.now() - started).toBeLessThan(190);
    await busy;
  });

  it('opens the circuit breaker after repeated backend failures, and closes it again after a good trial', async () => {
    const scheduler = new LaneScheduler('npc', [{ backend: inertBackend('flaky'), maxSlots: 1 }], {
      maxQueueWaitMs: 1_000,
      breakerThreshold: 3,
      halfOpenAfterMs: 80,
    });
    const failing = () => Promise.reject(new LlmBackendError('unavailable', '503'));
    for (let i = 0; i < 3; i++)
      await expect(scheduler.submit('dialogue', failing)).rejects.toBeInstanceOf(LlmBackendError);
    await expect(scheduler.submit('dialogue', async () => 'ok')).rejects.toMatchObject({
      reason: 'breaker_open',
    });
    expect(scheduler.status()[0]!.breaker).toBe('open');
    await sleep(100);
    await expect(scheduler.submit('dialogue', async () => 'ok')).resolves.toBe('ok');
    expect(scheduler.status()[0]!.breaker).toBe('closed');
  });

  it('does not count malformed model output against the backend’s health', async () => {
    const scheduler = new LaneScheduler('npc', [{ backend: inertBackend('chatty'), maxSlots: 1 }], {
      maxQueueWaitMs: 1_000,
      breakerThreshold: 2,
    });
    for (let i = 0; i < 4; i++) {
      await expect(
        scheduler.submit('dialogue', () => Promise.reject(new LlmBackendError('malformed', 'not JSON'))),
      ).rejects.toBeInstanceOf(LlmBackendError);
    }
    await expect(scheduler.submit('dialogue', async () => 'ok')).resolves.toBe('ok');
  });

  it('shrinks a backend’s slots while it answers slower than the target', async () => {
    const scheduler = new LaneScheduler('world', [{ backend: inertBackend('big'), maxSlots: 4 }], {
      maxQueueWaitMs: 5_000,
      targetServiceMs: 20,
    });
    for (let i = 0; i < 4; i++) await scheduler.submit('exploration', () => sleep(60));
    expect(scheduler.status()[0]!.slots).toBeLessThan(4);
  });
});
