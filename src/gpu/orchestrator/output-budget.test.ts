import { describe, expect, it } from 'vitest';
import { limits } from '../../limits.ts';
import { maxTokensFor, TokenRates } from './output-budget.ts';

describe('maxTokensFor', () => {
  it('given 4.4 s left at 17 tokens/s, then the cap is what can be written in that time', () => {
    expect(maxTokensFor({ remainingMs: 4_400, tokensPerSecond: 17, ceiling: 400 })).toBe(74);
  });

  it('given a fast backend, then the cap is the ceiling', () => {
    expect(maxTokensFor({ remainingMs: 4_400, tokensPerSecond: 120, ceiling: 250 })).toBe(250);
  });

  it('given almost no time left, then the cap is the floor', () => {
    expect(maxTokensFor({ remainingMs: 300, tokensPerSecond: 20, ceiling: 400 })).toBe(
      limits.minCompletionTokens,
    );
    expect(maxTokensFor({ remainingMs: -50, tokensPerSecond: 20, ceiling: 400, floor: 10 })).toBe(10);
  });

  it('given a ceiling under the floor, then the ceiling wins', () => {
    expect(maxTokensFor({ remainingMs: 100, tokensPerSecond: 20, ceiling: 16 })).toBe(16);
  });

  it('given no measured rate yet, then the cap is the ceiling', () => {
    expect(maxTokensFor({ remainingMs: 4_400, tokensPerSecond: undefined, ceiling: 400 })).toBe(400);
  });

  it('given the prompt and the prefill rate, then reading the prompt comes out of the time', () => {
    // 2,000 prompt tokens at 2,000 tokens/s: 1 s of prefill, 3.4 s left to write at 17 tokens/s.
    const cap = maxTokensFor({
      remainingMs: 4_400,
      tokensPerSecond: 17,
      promptTokens: 2_000,
      promptTokensPerSecond: 2_000,
      ceiling: 400,
    });
    expect(cap).toBe(57);
  });

  it('given bad input, then it says which', () => {
    expect(() => maxTokensFor({ remainingMs: 1_000, tokensPerSecond: 10, ceiling: 0 })).toThrow(/ceiling/);
    expect(() => maxTokensFor({ remainingMs: Number.NaN, tokensPerSecond: 10, ceiling: 50 })).toThrow(
      /remainingMs/,
    );
    expect(() => maxTokensFor({ remainingMs: 1_000, tokensPerSecond: -3, ceiling: 50 })).toThrow(
      /tokensPerSecond/,
    );
  });
});

describe('TokenRates', () => {
  it('given no answer yet, then the rate is unknown', () => {
    expect(new TokenRates().tokensPerSecond('world:a')).toBeUndefined();
  });

  it('given answers, then the rate follows them per backend, the newest weighted', () => {
    const rates = new TokenRates(0.5);
    rates.record('world:a', 40, 2_000); // 20 tokens/s
    rates.record('world:a', 30, 3_000); // 10 tokens/s
    rates.record('world:b', 90, 1_000);
    expect(rates.tokensPerSecond('world:a')).toBe(15);
    expect(rates.tokensPerSecond('world:b')).toBe(90);
  });

  it('given an empty or instantaneous answer, then it is not counted', () => {
    const rates = new TokenRates();
    rates.record('world:a', 0, 1_000);
    rates.record('world:a', 10, 0);
    expect(rates.tokensPerSecond('world:a')).toBeUndefined();
  });
});
