import { describe, expect, it } from 'vitest';
import { withSharers } from './deliveries.ts';

describe('withSharers: the killer is told who shared the kill', () => {
  const felled = { action_type: 'attack', narration: 'The grey wolf falls and moves no more. (+15 xp)' };

  it('names one sharer in the narration and in shared_with', () => {
    expect(withSharers(felled, ['Bea'])).toEqual({
      ...felled,
      narration: 'The grey wolf falls and moves no more. (+15 xp)\nBea shares in the kill.',
      shared_with: ['Bea'],
    });
  });

  it('names several sharers in one sentence', () => {
    const told = withSharers(felled, ['Bea', 'Cal', 'Dag']);
    expect(told.narration.split('\n').at(-1)).toBe('Bea, Cal and Dag share in the kill.');
    expect(told.shared_with).toEqual(['Bea', 'Cal', 'Dag']);
  });

  it('leaves a kill nobody shared as it was', () => {
    expect(withSharers(felled, [])).toBe(felled);
  });
});
