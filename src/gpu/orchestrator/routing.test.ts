import { describe, expect, it } from 'vitest';
import { mayWaitForModel } from './routing.ts';

describe('mayWaitForModel', () => {
  it('is true of the actions a configured lane answers, and of combat with either lane', () => {
    const world = { world: {} };
    expect(mayWaitForModel(world, 'look')).toBe(true);
    expect(mayWaitForModel(world, 'talk')).toBe(false);
    expect(mayWaitForModel({ npc: {} }, 'talk')).toBe(true);
    expect(mayWaitForModel({ npc: {} }, 'attack')).toBe(true);
  });

  it('is false of what the rules answer alone, without lanes, and of a type it does not know', () => {
    const both = { world: {}, npc: {} };
    expect(mayWaitForModel(both, 'inventory')).toBe(false);
    expect(mayWaitForModel({}, 'look')).toBe(false);
    expect(mayWaitForModel(both, 'toString')).toBe(false);
  });
});
