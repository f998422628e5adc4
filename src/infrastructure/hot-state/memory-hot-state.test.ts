import { describe, expect, it } from 'vitest';
import { hotStateContract } from './hot-state.contract.ts';
import { MemoryHotState } from './memory-hot-state.ts';

hotStateContract({ name: 'in memory', open: async (ttls) => new MemoryHotState(ttls) });

describe('MemoryHotState', () => {
  it('evicts the least recently used player beyond maxPlayers', async () => {
    const hot = new MemoryHotState({ maxPlayers: 2 });
    const at = Date.now();
    const positions = ['a', 'b', 'c'].map((playerId) => ({ playerId, locationId: `at-${playerId}`, at }));
    await hot.applyBatch(0, { positions, actions: [], checkpoint: 1n });
    expect(await hot.position('a')).toBeUndefined();
    expect(await hot.position('c')).toBe('at-c');
  });

  it('refuses TTLs that are not positive', () => {
    expect(() => new MemoryHotState({ positionTtlMs: 0 })).toThrow(RangeError);
    expect(() => new MemoryHotState({ actionsWindowMs: Number.NaN })).toThrow(RangeError);
  });
});
