import { describe, expect, it } from 'vitest';
import { sameAction } from './same-action.ts';

describe('sameAction', () => {
  it('compares fields, not their order', () => {
    expect(
      sameAction(
        { action_type: 'talk', npc: 'elder', message: 'hi' },
        { message: 'hi', npc: 'elder', action_type: 'talk' },
      ),
    ).toBe(true);
    expect(sameAction({ action_type: 'look' }, { action_type: 'look', extra: undefined })).toBe(true);
  });

  it('tells different actions apart', () => {
    expect(sameAction({ action_type: 'look' }, { action_type: 'inventory' })).toBe(false);
    expect(
      sameAction({ action_type: 'move', direction: 'north' }, { action_type: 'move', to: 'north' }),
    ).toBe(false);
    expect(sameAction({ action_type: 'look' }, { action_type: 'look', direction: 'n' })).toBe(false);
    expect(sameAction({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameAction({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(sameAction(null, {})).toBe(false);
  });
});
