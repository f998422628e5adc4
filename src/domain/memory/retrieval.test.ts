import { describe, expect, it } from 'vitest';
import { type MemoryCandidate, rankMemories, rateImportance } from './retrieval.ts';

const now = new Date('2025-01-01T12:00:00.000Z');
const secondsPerGameHour = 60;
/** The ISO time `hours` game hours before `now` (one game hour is one real minute here). */
const gameHoursAgo = (hours: number) =>
  new Date(now.getTime() - hours * secondsPerGameHour * 1000).toISOString();
const memory = (id: string, fields: Partial<MemoryCandidate> = {}): MemoryCandidate => ({
  id,
  importance: 5,
  lastAccessedAt: gameHoursAgo(0),
  relevance: 0.5,
  ...fields,
});
const rank = (
  candidates: MemoryCandidate[],
  options: Parameters<typeof rankMemories>[1] = { now, secondsPerGameHour },
) => rankMemories(candidates, options);
const ids = (ranked: { id: string }[]) => ranked.map((m) => m.id);

describe('rankMemories', () => {
  it('given no candidates, then returns nothing', () => {
    expect(rank([])).toEqual([]);
  });

  it('given an older and a newer memory, then the newer one wins on recency alone', () => {
    const ranked = rank([memory('old', { lastAccessedAt: gameHoursAgo(10) }), memory('new')]);
    expect(ids(ranked)).toEqual(['new', 'old']);
    expect(ranked[0]!.components).toEqual({ recency: 1, importance: 0, relevance: 0 });
    expect(ranked[0]!.score).toBe(1);
    expect(ranked[1]!.score).toBe(0);
  });

  it('decays recency by 0.995 per game hour, normalised between the newest and the oldest', () => {
    const ranked = rank([
      memory('200h', { lastAccessedAt: gameHoursAgo(200) }),
      memory('100h', { lastAccessedAt: gameHoursAgo(100) }),
      memory('0h'),
    ]);
    // (0.995^100 - 0.995^200) / (1 - 0.995^200) = (0.60577 - 0.36696) / 0.63304
    expect(ids(ranked)).toEqual(['0h', '100h', '200h']);
    expect(ranked[1]!.components.recency).toBeCloseTo(0.377246, 6);
  });

  it('measures age in game hours: the same real age decays more when game hours are shorter', () => {
    const candidates = [
      memory('2m', { lastAccessedAt: new Date(now.getTime() - 120_000).toISOString() }),
      memory('1m', { lastAccessedAt: new Date(now.getTime() - 60_000).toISOString() }),
      memory('now'),
    ];
    // 1 real second per game hour: 60 and 120 game hours → (0.995^60 - 0.995^120) / (1 - 0.995^120)
    const fast = rank(candidates, { now, secondsPerGameHour: 1 });
    expect(fast[1]!.components.recency).toBeCloseTo(0.425374, 6);
    // 60 real seconds per game hour: 1 and 2 game hours → (0.995 - 0.995^2) / (1 - 0.995^2)
    const slow = rank(candidates, { now, secondsPerGameHour: 60 });
    expect(slow[1]!.components.recency).toBeCloseTo(0.498747, 6);
  });

  it('given an important and a trivial memory, then the important one wins', () => {
    const ranked = rank([memory('trivial', { importance: 2 }), memory('important', { importance: 8 })]);
    expect(ids(ranked)).toEqual(['important', 'trivial']);
    expect(ranked[0]!.components).toEqual({ recency: 0, importance: 1, relevance: 0 });
  });

  it('given a relevant and an irrelevant memory, then the relevant one wins', () => {
    const ranked = rank([memory('off-topic', { relevance: -0.1 }), memory('on-topic', { relevance: 0.9 })]);
    expect(ids(ranked)).toEqual(['on-topic', 'off-topic']);
    expect(ranked[0]!.components).toEqual({ recency: 0, importance: 0, relevance: 1 });
  });

  describe('given a fresh trivial memory, an old important relevant one and one in between', () => {
    const candidates = [
      memory('fresh', { importance: 2, relevance: 0.25 }),
      memory('old', { importance: 8, relevance: 0.75, lastAccessedAt: gameHoursAgo(200) }),
      memory('middle', { importance: 5, relevance: 0.5, lastAccessedAt: gameHoursAgo(100) }),
    ];

    it('then sums the normalised components with equal weights', () => {
      // fresh: 1 + 0 + 0; middle: 0.377246 + 0.5 + 0.5; old: 0 + 1 + 1
      const ranked = rank(candidates);
      expect(ids(ranked)).toEqual(['old', 'middle', 'fresh']);
      expect(ranked.map((m) => m.score)).toEqual([2, expect.closeTo(1.377246, 6), 1]);
      expect(ranked[1]!.components).toEqual({
        recency: expect.closeTo(0.377246, 6),
        importance: 0.5,
        relevance: 0.5,
      });
    });

    it('when recency weighs 3, then the fresh memory wins', () => {
      // fresh: 3; middle: 3 × 0.377246 + 1 = 2.131738; old: 2
      const ranked = rank(candidates, { now, secondsPerGameHour, weights: { recency: 3 } });
      expect(ids(ranked)).toEqual(['fresh', 'middle', 'old']);
      expect(ranked.map((m) => m.score)).toEqual([3, expect.closeTo(2.131738, 6), 2]);
    });
  });

  it('given identical candidates, then every component is constant, scores 0 and the input order stays', () => {
    const ranked = rank([memory('a'), memory('b'), memory('c')]);
    expect(ids(ranked)).toEqual(['a', 'b', 'c']);
    expect(ranked.every((m) => m.score === 0)).toBe(true);
  });

  it('given a single candidate, then it is returned with score 0', () => {
    expect(rank([memory('only')])).toMatchObject([{ id: 'only', score: 0 }]);
  });

  it('returns 3 by default, or `limit`', () => {
    const candidates = [1, 2, 3, 4, 5].map((n) => memory(`m${n}`, { importance: n }));
    expect(ids(rank(candidates))).toEqual(['m5', 'm4', 'm3']);
    expect(ids(rank(candidates, { now, secondsPerGameHour, limit: 1 }))).toEqual(['m5']);
    expect(rank(candidates, { now, secondsPerGameHour, limit: 0 })).toEqual([]);
  });

  it('keeps the fields of the caller’s own candidate type', () => {
    const [ranked] = rankMemories([{ ...memory('m'), text: 'the well is dry' }], { now, secondsPerGameHour });
    expect(ranked!.text).toBe('the well is dry');
  });

  it('counts a last access in the future as just now', () => {
    const ranked = rank([
      memory('skewed', { lastAccessedAt: gameHoursAgo(-5) }),
      memory('old', { lastAccessedAt: gameHoursAgo(5) }),
    ]);
    expect(ids(ranked)).toEqual(['skewed', 'old']);
  });

  it('refuses an unparseable lastAccessedAt and a non-positive game hour', () => {
    expect(() => rank([memory('bad', { lastAccessedAt: 'yesterday' })])).toThrow(RangeError);
    expect(() => rank([memory('m')], { now, secondsPerGameHour: 0 })).toThrow(RangeError);
  });
});

describe('rateImportance', () => {
  it('rates a greeting 1 or 2', () => {
    expect(rateImportance('hello')).toBe(1);
    expect(rateImportance('Hello!')).toBe(2);
  });

  it('rates small talk 1', () => {
    expect(rateImportance('I bought some bread at the market.')).toBe(1);
  });

  it('adds 1 for a question', () => {
    expect(rateImportance('Where is the smithy?')).toBe(2);
  });

  it('adds 2 per quest or emotional word, up to 4, matching inflections', () => {
    expect(rateImportance('the dragon')).toBe(3);
    expect(rateImportance('the dragon will kill us')).toBe(5);
    expect(rateImportance('the dragons killed them, a dangerous secret')).toBe(5);
  });

  it('does not mistake "question" for "quest"', () => {
    expect(rateImportance('I have a question')).toBe(1);
  });

  it('adds 1 per proper noun inside a sentence, up to 2', () => {
    expect(rateImportance('I met Maren and Tobias at the well')).toBe(3);
    expect(rateImportance('Yesterday it rained')).toBe(1);
  });

  it('adds 1 per 10 words, up to 2', () => {
    expect(rateImportance('one two three four five six seven eight nine ten')).toBe(2);
    expect(rateImportance(Array.from({ length: 50 }, () => 'word').join(' '))).toBe(3);
  });

  it('rates a named elder’s dragon prophecy 9, and never above 10', () => {
    const prophecy =
      'The Elder Maren told me a prophecy: the dragon will wake and kill us all unless the secret key is found.';
    expect(rateImportance(prophecy)).toBe(9);
    expect(rateImportance(`${prophecy} Will you help? Hurry!`)).toBe(10);
  });

  it('is deterministic', () => {
    const text = 'Tobias promised to help find the treasure.';
    expect(rateImportance(text)).toBe(rateImportance(text));
  });
});
