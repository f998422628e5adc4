import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../infrastructure/metrics.ts';
import { type LlmBackend, LlmBackendError } from '../backends/llm-backend.ts';
import { LaneScheduler } from './lane-scheduler.ts';
import { inertBackend } from './testing/inert-backend.ts';

/** A job that runs until the test lets it finish (or its signal fires, if it listens). */
function heldJob() {
  let finish: (value: string) => void = () => {};
  let started = false;
  let signal: AbortSignal | undefined;
  const settled = new Promise<string>((resolve) => {
    finish = resolve;
  });
  return {
    work: (_backend: LlmBackend, jobSignal: AbortSignal) => {
      started = true;
      signal = jobSignal;
      return settled;
    },
    finish: (value = 'done') => finish(value),
    get started() {
      return started;
    },
    get signal() {
      return signal;
    },
  };
}

const oneSlotLane = (options: { breakerThreshold?: number } = {}) =>
  new LaneScheduler('world', [{ backend: inertBackend('gpu'), maxSlots: 1 }], {
    maxQueueWaitMs: 5_000,
    ...options,
  });

describe('speculative lane jobs', () => {
  it('given an idle slot, when a speculation is submitted, then it runs there and the slot is no longer idle', async () => {
    const lane = new LaneScheduler('world', [{ backend: inertBackend('gpu'), maxSlots: 2 }], {
      maxQueueWaitMs: 5_000,
    });
    expect(lane.idleSlots()).toBe(2);
    const speculation = heldJob();
    const result = lane.submit('speculative', speculation.work);
    expect(speculation.started).toBe(true);
    expect(lane.idleSlots()).toBe(1);
    speculation.finish('guessed');
    await expect(result).resolves.toBe('guessed');
    expect(lane.idleSlots()).toBe(2);
  });

  it('given every slot busy, when a speculation is submitted, then it is refused at once and never runs', async () => {
    const lane = oneSlotLane();
    const real = heldJob();
    const realResult = lane.submit('exploration', real.work);
    const speculation = heldJob();
    await expect(lane.submit('speculative', speculation.work)).rejects.toMatchObject({
      name: 'LaneUnavailableError',
      reason: 'queue_wait',
    });
    expect(speculation.started).toBe(false);
    real.finish();
    await realResult;
  });

  it('given a real job waiting, when a speculation is submitted, then it is refused even if a slot frees later', async () => {
    const lane = new LaneScheduler('world', [{ backend: inertBackend('gpu'), maxSlots: 1 }], {
      maxQueueWaitMs: 5_000,
    });
    const busy = heldJob();
    const busyResult = lane.submit('combat', busy.work);
    const waiting = lane.submit('dialogue', async () => 'talk');
    expect(lane.queueDepth).toBe(1);
    expect(lane.idleSlots()).toBe(0);
    await expect(lane.submit('speculative', async () => 'guess')).rejects.toMatchObject({
      reason: 'queue_wait',
    });
    busy.finish();
    await Promise.all([busyResult, waiting]);
  });

  it('given a speculation holding the only slot, when a real job arrives, then the speculation is aborted and the real job starts at once', async () => {
    const metrics = createMetrics();
    const lane = new LaneScheduler('world', [{ backend: inertBackend('gpu'), maxSlots: 1 }], {
      maxQueueWaitMs: 5_000,
      metrics,
    });
    const speculation = heldJob();
    const speculated = lane.submit('speculative', speculation.work);
    const real = heldJob();
    const realResult = lane.submit('combat', real.work);
    expect(speculation.signal?.aborted).toBe(true);
    expect(real.started).toBe(true);
    await expect(speculated).rejects.toSatisfy(
      (error) => error instanceof LlmBackendError && error.failure === 'aborted',
    );
    real.finish('blow');
    await expect(realResult).resolves.toBe('blow');
    const counted = await metrics.speculativeJobs.get();
    const outcome = (name: string) => counted.values.find((v) => v.labels.outcome === name)?.value;
    expect([outcome('started'), outcome('aborted')]).toEqual([1, 1]);
  });

  it('given a speculation holding the only slot, when a real job with little time to wait arrives, then it is admitted, not refused', async () => {
    const lane = new LaneScheduler('world', [{ backend: inertBackend('gpu'), maxSlots: 1 }], {
      maxQueueWaitMs: 100,
      targetServiceMs: 4_000,
    });
    const speculation = heldJob();
    const speculated = lane.submit('speculative', speculation.work);
    await expect(lane.submit('exploration', async () => 'looked around')).resolves.toBe('looked around');
    await expect(speculated).rejects.toMatchObject({ failure: 'aborted' });
  });

  it('given an aborted speculation whose request then fails, then neither the breaker nor the service time counts it', async () => {
    const lane = oneSlotLane({ breakerThreshold: 1 });
    const serviceBefore = lane.status()[0]!.serviceMs;
    let failAfterAbort: () => void = () => {};
    const speculated = lane.submit('speculative', (_backend, signal) => {
      return new Promise<string>((_resolve, reject) => {
        failAfterAbort = () => {
          if (signal.aborted) reject(new LlmBackendError('unavailable', 'connection reset by the abort'));
        };
      });
    });
    const real = heldJob();
    const realResult = lane.submit('dialogue', real.work);
    await expect(speculated).rejects.toMatchObject({ failure: 'aborted' });
    failAfterAbort();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(lane.status()[0]).toMatchObject({ breaker: 'closed', serviceMs: serviceBefore, active: 1 });
    real.finish();
    await realResult;
    await expect(lane.submit('dialogue', async () => 'still served')).resolves.toBe('still served');
  });

  it('counts idle slots as free slots on usable instances minus the jobs waiting for one', async () => {
    const lane = new LaneScheduler(
      'npc',
      [
        { backend: inertBackend('a'), maxSlots: 1 },
        { backend: inertBackend('b'), maxSlots: 1 },
      ],
      { maxQueueWaitMs: 5_000 },
    );
    const first = heldJob();
    const second = heldJob();
    const results = [lane.submit('dialogue', first.work), lane.submit('dialogue', second.work)];
    const queued = lane.submit('dialogue', async () => 'later');
    expect(lane.idleSlots()).toBe(0);
    first.finish();
    second.finish();
    await Promise.all([...results, queued]);
    expect(lane.idleSlots()).toBe(2);
  });
});
