import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointMovedError } from '../consumers/checkpoint-moved.ts';
import type { HotState, HotStateBatch, HotStateTtls } from './hot-state.ts';

export interface HotStateUnderTest {
  name: string;
  /** A hot state of its own (no data, live generation 0), with these TTLs. */
  open(ttls?: HotStateTtls): Promise<HotState>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MINUTE = 60_000;

function batch(checkpoint: bigint, parts: Partial<Omit<HotStateBatch, 'checkpoint'>> = {}): HotStateBatch {
  return { positions: parts.positions ?? [], actions: parts.actions ?? [], checkpoint };
}

const action = (playerId: string, actionType: string, at: number) => ({
  playerId,
  actionType,
  at,
  id: randomUUID(),
});

/** The behaviour every HotState adapter must have. Every hot state opened here is dropped and closed at the end. */
export function hotStateContract(subject: HotStateUnderTest): void {
  describe(`HotState contract: ${subject.name}`, () => {
    const opened: HotState[] = [];
    const open = async (ttls: HotStateTtls = { positionTtlMs: MINUTE, actionsWindowMs: MINUTE }) => {
      const hot = await subject.open(ttls);
      opened.push(hot);
      return hot;
    };
    afterAll(async () => {
      for (const hot of opened) {
        for (const generation of [0, 1, 2]) await hot.dropGeneration(generation);
        await hot.close();
      }
    });

    it('answers a ping, and starts empty at generation 0', async () => {
      const hot = await open();
      await expect(hot.ping()).resolves.toBeUndefined();
      expect(await hot.liveGeneration()).toBe(0);
      expect(await hot.checkpoint(0)).toBeUndefined();
      expect(await hot.position('nobody')).toBeUndefined();
      expect(await hot.recentActions('nobody', Date.now())).toEqual([]);
    });

    it('applies positions, actions and the checkpoint of a batch together', async () => {
      const hot = await open();
      const now = Date.now();
      await hot.applyBatch(
        0,
        batch(41n, {
          positions: [
            { playerId: 'ayla', locationId: 'square', at: now },
            { playerId: 'bran', locationId: 'smithy', at: now },
          ],
          actions: [
            action('ayla', 'look', now - 10),
            action('ayla', 'move', now),
            action('bran', 'say', now),
          ],
        }),
      );
      expect(await hot.checkpoint(0)).toBe(41n);
      expect(await hot.position('ayla')).toBe('square');
      expect(await hot.position('bran')).toBe('smithy');
      expect(await hot.recentActions('ayla', now)).toEqual([
        { actionType: 'look', at: now - 10 },
        { actionType: 'move', at: now },
      ]);
      expect(await hot.recentActions('bran', now)).toEqual([{ actionType: 'say', at: now }]);
    });

    it('overwrites a position on every move, the last one of a batch winning', async () => {
      const hot = await open();
      const now = Date.now();
      await hot.applyBatch(
        0,
        batch(1n, { positions: [{ playerId: 'ayla', locationId: 'square', at: now }] }),
      );
      await hot.applyBatch(
        0,
        batch(2n, {
          positions: [
            { playerId: 'ayla', locationId: 'woods', at: now },
            { playerId: 'ayla', locationId: 'river', at: now + 1 },
          ],
        }),
      );
      expect(await hot.position('ayla')).toBe('river');
    });

    it('forgets a position once its TTL after the move has passed', async () => {
      const hot = await open({ positionTtlMs: 150, actionsWindowMs: MINUTE });
      await hot.applyBatch(
        0,
        batch(1n, { positions: [{ playerId: 'ayla', locationId: 'square', at: Date.now() }] }),
      );
      expect(await hot.position('ayla')).toBe('square');
      await sleep(300);
      expect(await hot.position('ayla')).toBeUndefined();
    });

    it('does not write a move whose TTL has already passed, and it replaces the older position', async () => {
      const hot = await open({ positionTtlMs: 1_000, actionsWindowMs: MINUTE });
      const now = Date.now();
      await hot.applyBatch(
        0,
        batch(1n, { positions: [{ playerId: 'ayla', locationId: 'square', at: now }] }),
      );
      await hot.applyBatch(
        0,
        batch(2n, { positions: [{ playerId: 'ayla', locationId: 'woods', at: now - 5_000 }] }),
      );
      expect(await hot.position('ayla')).toBeUndefined();
      expect(await hot.checkpoint(0)).toBe(2n);
    });

    it('keeps only the actions of the window before now, oldest first', async () => {
      const hot = await open({ positionTtlMs: MINUTE, actionsWindowMs: 1_000 });
      const now = Date.now();
      await hot.applyBatch(
        0,
        batch(1n, {
          actions: [
            action('ayla', 'talk', now - 100),
            action('ayla', 'look', now - 1_500),
            action('ayla', 'take', now - 800),
          ],
        }),
      );
      expect(await hot.recentActions('ayla', now)).toEqual([
        { actionType: 'take', at: now - 800 },
        { actionType: 'talk', at: now - 100 },
      ]);
      expect(await hot.recentActions('ayla', now + 300)).toEqual([{ actionType: 'talk', at: now - 100 }]);
      expect(await hot.recentActions('ayla', now + 1_000)).toEqual([]);
    });

    it('lets actions roll out of the window as time passes', async () => {
      const hot = await open({ positionTtlMs: MINUTE, actionsWindowMs: 300 });
      await hot.applyBatch(0, batch(1n, { actions: [action('ayla', 'look', Date.now())] }));
      expect(await hot.recentActions('ayla', Date.now())).toHaveLength(1);
      await sleep(250);
      await hot.applyBatch(0, batch(2n, { actions: [action('ayla', 'move', Date.now())] }));
      await sleep(150);
      expect((await hot.recentActions('ayla', Date.now())).map((a) => a.actionType)).toEqual(['move']);
      await sleep(300);
      expect(await hot.recentActions('ayla', Date.now())).toEqual([]);
    });

    it('changes nothing when the same batch is applied again', async () => {
      const hot = await open();
      const now = Date.now();
      const same = batch(7n, {
        positions: [{ playerId: 'ayla', locationId: 'square', at: now }],
        actions: [action('ayla', 'look', now - 5), action('ayla', 'look', now)],
      });
      await hot.applyBatch(0, same);
      await hot.applyBatch(0, same);
      expect(await hot.recentActions('ayla', now)).toEqual([
        { actionType: 'look', at: now - 5 },
        { actionType: 'look', at: now },
      ]);
      expect(await hot.position('ayla')).toBe('square');
      expect(await hot.checkpoint(0)).toBe(7n);
    });

    it('refuses a malformed batch and changes nothing, the checkpoint included', async () => {
      const hot = await open();
      const now = Date.now();
      await hot.applyBatch(
        0,
        batch(1n, { positions: [{ playerId: 'ayla', locationId: 'square', at: now }] }),
      );
      const bad = batch(2n, {
        positions: [{ playerId: 'ayla', locationId: 'woods', at: now }],
        actions: [action('ayla', 'look', Number.NaN)],
      });
      await expect(hot.applyBatch(0, bad)).rejects.toThrow(RangeError);
      await expect(hot.applyBatch(-1, batch(2n))).rejects.toThrow(RangeError);
      expect(await hot.checkpoint(0)).toBe(1n);
      expect(await hot.position('ayla')).toBe('square');
      expect(await hot.recentActions('ayla', now)).toEqual([]);
    });

    it('applies a batch only from its expected checkpoint, when it names one (-1: none yet)', async () => {
      const hot = await open();
      const now = Date.now();
      const at = (checkpoint: bigint, expectedCheckpoint: bigint, locationId: string) => ({
        ...batch(checkpoint, { positions: [{ playerId: 'ayla', locationId, at: now }] }),
        expectedCheckpoint,
      });
      await expect(hot.applyBatch(0, at(4n, 2n, 'woods'))).rejects.toThrow(CheckpointMovedError);
      expect(await hot.checkpoint(0)).toBeUndefined();
      await hot.applyBatch(0, at(4n, -1n, 'square'));
      await hot.applyBatch(0, at(6n, 4n, 'hut'));
      // A second writer that started from 4 too: refused whole.
      const refused = await hot.applyBatch(0, at(6n, 4n, 'woods')).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(CheckpointMovedError);
      expect(refused).toMatchObject({ expected: 4n, found: 6n });
      expect(await hot.checkpoint(0)).toBe(6n);
      expect(await hot.position('ayla')).toBe('hut');
    });

    it('keeps generations apart, switches readers over, and drops a generation', async () => {
      const hot = await open();
      const now = Date.now();
      await hot.applyBatch(0, batch(5n, { positions: [{ playerId: 'ayla', locationId: 'old', at: now }] }));
      await hot.applyBatch(
        1,
        batch(9n, {
          positions: [{ playerId: 'ayla', locationId: 'new', at: now }],
          actions: [action('ayla', 'look', now)],
        }),
      );
      expect(await hot.position('ayla')).toBe('old');
      expect(await hot.recentActions('ayla', now)).toEqual([]);
      expect(await hot.position('ayla', 1)).toBe('new');
      expect(await hot.checkpoint(0)).toBe(5n);
      expect(await hot.checkpoint(1)).toBe(9n);

      await hot.switchGeneration(1);
      expect(await hot.liveGeneration()).toBe(1);
      expect(await hot.position('ayla')).toBe('new');
      expect(await hot.recentActions('ayla', now)).toEqual([{ actionType: 'look', at: now }]);

      await hot.dropGeneration(0);
      expect(await hot.checkpoint(0)).toBeUndefined();
      expect(await hot.position('ayla', 0)).toBeUndefined();
      expect(await hot.position('ayla')).toBe('new');
      expect(await hot.checkpoint(1)).toBe(9n);
    });

    it('keeps two hot states apart', async () => {
      const [one, two] = [await open(), await open()];
      await one.applyBatch(
        0,
        batch(3n, { positions: [{ playerId: 'ayla', locationId: 'square', at: Date.now() }] }),
      );
      expect(await two.position('ayla')).toBeUndefined();
      expect(await two.checkpoint(0)).toBeUndefined();
    });
  });
}
