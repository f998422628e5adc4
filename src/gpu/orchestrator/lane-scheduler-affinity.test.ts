import { describe, expect, it } from 'vitest';
import { LlmBackendError } from '../backends/llm-backend.ts';
import { type BackendConfig, LaneScheduler } from './lane-scheduler.ts';
import { inertBackend } from './testing/inert-backend.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const instance = (name: string, maxSlots = 64): BackendConfig => ({ backend: inertBackend(name), maxSlots });

const regions = Array.from({ length: 300 }, (_, i) => `region-${i}`);

function shardedLane(names: string[], options: { breakerThreshold?: number; halfOpenAfterMs?: number } = {}) {
  return new LaneScheduler(
    'world',
    names.map((name) => instance(name)),
    { maxQueueWaitMs: 5_000, routing: 'affinity', ...options },
  );
}

/** Which instance serves each region, asking one region at a time. */
async function placement(lane: LaneScheduler, keys = regions): Promise<Map<string, string>> {
  const served = new Map<string, string>();
  for (const key of keys)
    served.set(
      key,
      await lane.submit('exploration', async (backend) => backend.name, undefined, { affinity: key }),
    );
  return served;
}

describe('lane scheduler with affinity routing', () => {
  it('sends a region’s jobs to one instance every time, and spreads the regions over all instances', async () => {
    const lane = shardedLane(['gpu-a', 'gpu-b', 'gpu-c']);
    const first = await placement(lane);
    expect(await placement(lane)).toEqual(first);
    const perInstance = new Map<string, number>();
    for (const name of first.values()) perInstance.set(name, (perInstance.get(name) ?? 0) + 1);
    expect([...perInstance.keys()].sort()).toEqual(['gpu-a', 'gpu-b', 'gpu-c']);
    for (const count of perInstance.values()) expect(count).toBeGreaterThan(regions.length / 6);
    const shares = lane.status().map((s) => s.ringShare ?? 0);
    expect(shares.reduce((sum, share) => sum + share, 0)).toBeCloseTo(1, 2);
  });

  it('moves only the removed instance’s regions, and to a new instance only the regions that now map to it', async () => {
    const lane = shardedLane(['gpu-a', 'gpu-b', 'gpu-c']);
    const before = await placement(lane);
    expect(lane.removeBackend('gpu-b')).toBe(true);
    expect(lane.removeBackend('gpu-b')).toBe(false);
    const afterRemoval = await placement(lane);
    const moved = regions.filter((key) => before.get(key) !== afterRemoval.get(key));
    expect(moved).toEqual(regions.filter((key) => before.get(key) === 'gpu-b'));

    lane.addBackend(instance('gpu-d'));
    const afterJoin = await placement(lane);
    const joined = regions.filter((key) => afterRemoval.get(key) !== afterJoin.get(key));
    expect(joined.length).toBeGreaterThan(0);
    expect(joined).toEqual(regions.filter((key) => afterJoin.get(key) === 'gpu-d'));
  });

  it('given a failing instance, its regions move to their next instances until its breaker lets a good trial through', async () => {
    const lane = shardedLane(['gpu-a', 'gpu-b', 'gpu-c'], { breakerThreshold: 1, halfOpenAfterMs: 1_000 });
    const before = await placement(lane);
    const region = regions.find((key) => before.get(key) === 'gpu-b')!;
    await expect(
      lane.submit(
        'exploration',
        async () => {
          throw new LlmBackendError('unavailable', '503');
        },
        undefined,
        { affinity: region },
      ),
    ).rejects.toBeInstanceOf(LlmBackendError);
    expect(lane.status().find((s) => s.backend === 'gpu-b')).toMatchObject({ breaker: 'open', ringShare: 0 });

    const duringFailure = await placement(lane);
    for (const key of regions) {
      if (before.get(key) === 'gpu-b') expect(duringFailure.get(key)).not.toBe('gpu-b');
      else expect(duringFailure.get(key)).toBe(before.get(key));
    }

    await sleep(1_050);
    expect(await placement(lane)).toEqual(before);
    expect(lane.status().find((s) => s.backend === 'gpu-b')!.breaker).toBe('closed');
  });

  it('given a region’s instance full and a job that cannot afford the wait, then the job goes to the next instance with room', async () => {
    const lane = new LaneScheduler('world', [instance('gpu-a', 1), instance('gpu-b', 1)], {
      maxQueueWaitMs: 50,
      targetServiceMs: 400,
      routing: 'affinity',
    });
    const home = await lane.submit('exploration', async (backend) => backend.name, undefined, {
      affinity: 'region-1',
    });
    let release: () => void = () => {};
    const busy = lane.submit(
      'exploration',
      () => new Promise<void>((resolve) => (release = resolve)),
      undefined,
      {
        affinity: 'region-1',
      },
    );
    const overflow = await lane.submit('exploration', async (backend) => backend.name, undefined, {
      affinity: 'region-1',
    });
    expect(overflow).not.toBe(home);
    release();
    await busy;
  });

  it('without affinity routing, ignores the key and spreads jobs by load', async () => {
    const lane = new LaneScheduler('npc', [instance('npc-a', 1), instance('npc-b', 1)], {
      maxQueueWaitMs: 5_000,
    });
    const used = await Promise.all(
      [1, 2].map(() =>
        lane.submit(
          'dialogue',
          async (backend) => {
            await sleep(10);
            return backend.name;
          },
          undefined,
          { affinity: 'region-1' },
        ),
      ),
    );
    expect(used.sort()).toEqual(['npc-a', 'npc-b']);
    expect(lane.status()[0]).not.toHaveProperty('ringShare');
  });
});

describe('lane capacity changes', () => {
  it('clamps an instance’s slots to a lower maximum, and takes a higher one as room to grow, not at once', () => {
    const lane = new LaneScheduler('world', [instance('gpu-a', 4)], { maxQueueWaitMs: 5_000 });
    lane.setMaxSlots('gpu-a', 2);
    expect(lane.status()[0]).toMatchObject({ slots: 2, maxSlots: 2 });
    // Nothing waits: the slots stay where they are under the new ceiling.
    lane.setMaxSlots('gpu-a', 16);
    expect(lane.status()[0]).toMatchObject({ slots: 2, maxSlots: 16 });
    expect(lane.idleSlots()).toBe(2);
  });

  it('starts waiting jobs at once when capacity grows', async () => {
    const lane = new LaneScheduler('world', [instance('gpu-a', 1)], { maxQueueWaitMs: 5_000 });
    let release: () => void = () => {};
    const busy = lane.submit('combat', () => new Promise<void>((resolve) => (release = resolve)));
    let started = false;
    const waiting = lane.submit('combat', async () => {
      started = true;
    });
    expect(started).toBe(false);
    lane.setMaxSlots('gpu-a', 2);
    expect(started).toBe(true);
    release();
    await Promise.all([busy, waiting]);
  });

  it('refuses a capacity that is not a positive integer, an unknown backend and a second backend of one name', () => {
    const lane = new LaneScheduler('world', [instance('gpu-a', 4)], { maxQueueWaitMs: 5_000 });
    expect(() => lane.setMaxSlots('gpu-a', 0)).toThrow(/positive integer/);
    expect(() => lane.setMaxSlots('gpu-a', 2.5)).toThrow(/positive integer/);
    expect(() => lane.setMaxSlots('gpu-z', 2)).toThrow(/no backend named gpu-z/);
    expect(() => lane.addBackend(instance('gpu-a', 2))).toThrow(/already has a backend named gpu-a/);
  });

  it('refuses every job once its last backend is removed', async () => {
    const lane = new LaneScheduler('world', [instance('gpu-a', 4)], { maxQueueWaitMs: 5_000 });
    lane.removeBackend('gpu-a');
    await expect(lane.submit('combat', async () => 'x')).rejects.toMatchObject({ reason: 'breaker_open' });
  });
});
