import { describe, expect, it } from 'vitest';
import { OPTIMIZATIONS, parseOptimizations } from './optimizations.ts';

describe('parseOptimizations', () => {
  it('reads all, none, a list, and all but some', () => {
    expect([...parseOptimizations('all')]).toEqual([...OPTIMIZATIONS]);
    expect([...parseOptimizations('none')]).toEqual([]);
    expect([...parseOptimizations(' semantic-cache , speculation ')]).toEqual([
      'semantic-cache',
      'speculation',
    ]);
    const most = parseOptimizations('all,-speculation');
    expect(most.has('speculation')).toBe(false);
    expect(most.size).toBe(OPTIMIZATIONS.length - 1);
  });

  it('refuses a name it does not know, and says which it knows', () => {
    expect(() => parseOptimizations('all,-turbo')).toThrow(
      /unknown inference optimization "turbo".*prompt-compression/,
    );
  });
});
