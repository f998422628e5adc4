import { randomBytes } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from '../../infrastructure/cache/cache.ts';
import { MemoryCache } from '../../infrastructure/cache/memory-cache.ts';
import { RedisCache } from '../../infrastructure/cache/redis-cache.ts';
import type { Embedder } from '../../infrastructure/memory/embedder.ts';
import { reportSkipped, testServices } from '../../infrastructure/testing/services.ts';
import {
  normaliseSemanticText,
  SemanticCache,
  semanticBucketKey,
  semanticText,
  wordingForm,
} from './semantic-cache.ts';

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A vector at the given cosine similarity to [1, 0]. */
const at = (similarity: number) => [similarity, Math.sqrt(1 - similarity ** 2)];

/** Embeds the wordings it is told about; counts its calls; any other wording is an error. */
class TableEmbedder implements Embedder {
  readonly name = 'table';
  readonly dimensions = 2;
  calls = 0;
  constructor(private readonly vectors: Record<string, number[]>) {}
  async embed(texts: string[]): Promise<number[][]> {
    this.calls++;
    return texts.map((text) => {
      const vector = this.vectors[text];
      if (!vector) throw new Error(`no vector for "${text}"`);
      return vector;
    });
  }
}

const failing: Embedder = {
  name: 'down',
  dimensions: 2,
  embed: async () => {
    throw new Error('embedding server down');
  },
};

const vectors = {
  'where is the blacksmith': [1, 0],
  'where can i find the blacksmith?': at(0.95),
  'where is the blacksmith?': at(0.99),
  'tell me about the blacksmith': at(0.5),
  'hello elder': [0, 1],
  // An embedder blind to negation and to asking versus telling, as they are.
  'i am ready': [1, 0],
  'i am not ready': [1, 0],
  'the bridge is safe': [1, 0],
  'is the bridge safe?': [1, 0],
};

function semanticCacheSuite(name: string, openCache: () => Promise<Cache>): void {
  describe(`SemanticCache over ${name}`, () => {
    let cache: Cache;
    let run: string;
    const opened: Cache[] = [];
    const bucket = (who: string) => `action:v1:player:${who}:${run}`;
    const semantic = (embedder: Embedder = new TableEmbedder(vectors), options = {}) =>
      new SemanticCache({ cache, embedder, threshold: 0.9, ...options });
    /** What player `who` says, in this run's bucket of theirs. */
    const said = (text: string, who = 'bea') => ({ bucket: bucket(who), text });
    /** The answer key the cache finds for player `who`'s wording, if any. */
    const answerTo = async (cached: SemanticCache, text: string, who?: string) =>
      (await cached.find(said(text, who)))?.answerKey;

    beforeEach(async () => {
      run = randomBytes(4).toString('hex');
      cache = await openCache();
      opened.push(cache);
    });
    afterAll(async () => {
      for (const each of opened) {
        await each.deleteByPrefix('');
        await each.close();
      }
    });

    it('given a wording remembered, when a similar wording above the threshold is looked up, then its answer is found', async () => {
      const cached = semantic();
      await cached.remember(said('Where is the blacksmith'), 'answer:1', MINUTE);
      const hit = await cached.find(said('Where can I find the blacksmith?'));
      expect(hit?.answerKey).toBe('answer:1');
      expect(hit?.similarity).toBeCloseTo(0.95, 2);
      expect(cached.counts.hits).toBe(1);
    });

    it('given a wording remembered, when a wording below the threshold is looked up, then it is a miss', async () => {
      const cached = semantic();
      await cached.remember(said('where is the blacksmith'), 'answer:1', MINUTE);
      expect(await cached.find(said('tell me about the blacksmith'))).toBeUndefined();
      expect(cached.counts.misses).toBe(1);
    });

    it('given several similar wordings remembered, when looked up, then the most similar one answers', async () => {
      const cached = semantic();
      await cached.remember(said('where can I find the blacksmith?'), 'answer:far', MINUTE);
      await cached.remember(said('where is the blacksmith?'), 'answer:near', MINUTE);
      const hit = await cached.find(said('where is the blacksmith'));
      expect(hit?.answerKey).toBe('answer:near');
    });

    it('given a wording remembered, when its negation or its question is looked up, then it is a miss whatever the embedder says', async () => {
      const cached = semantic();
      await cached.remember(said('I am ready'), 'answer:ready', MINUTE);
      await cached.remember(said('The bridge is safe.'), 'answer:told', MINUTE);
      expect(await cached.find(said('I am not ready'))).toBeUndefined();
      expect(await cached.find(said('Is the bridge safe?'))).toBeUndefined();
      expect(await answerTo(cached, 'i am ready!')).toBe('answer:ready');
    });

    it("given a player's private wording, when another player asks the very same thing, then nothing is found", async () => {
      const cached = semantic();
      await cached.remember(said('where is the blacksmith'), 'answer:bea', MINUTE);
      expect(await cached.find(said('where is the blacksmith', 'tom'))).toBeUndefined();
      expect(await answerTo(cached, 'where is the blacksmith')).toBe('answer:bea');
    });

    it('given another process remembered a wording in the same cache, when this one looks it up, then it is found', async () => {
      await semantic().remember(said('where is the blacksmith'), 'answer:1', MINUTE);
      const hit = await semantic().find(said('where is the blacksmith?'));
      expect(hit?.answerKey).toBe('answer:1');
    });

    it("given a wording whose answer's time to live has passed, when looked up, then it is a miss, and the others stay", async () => {
      const cached = semantic();
      await cached.remember(said('where is the blacksmith?'), 'answer:short', 80);
      await cached.remember(said('hello elder'), 'answer:long', MINUTE);
      expect(await answerTo(cached, 'where is the blacksmith')).toBe('answer:short');
      await sleep(200);
      expect(await cached.find(said('where is the blacksmith'))).toBeUndefined();
      expect(await answerTo(cached, 'hello elder')).toBe('answer:long');
    });

    it('given more wordings than maxPerBucket, when looked up, then only the newest are kept', async () => {
      const cached = semantic(new TableEmbedder(vectors), { maxPerBucket: 2 });
      await cached.remember(said('where is the blacksmith'), 'answer:oldest', MINUTE);
      await cached.remember(said('tell me about the blacksmith'), 'answer:2', MINUTE);
      await cached.remember(said('hello elder'), 'answer:3', MINUTE);
      expect(await cached.find(said('where is the blacksmith?'))).toBeUndefined();
      expect(await answerTo(cached, 'hello elder')).toBe('answer:3');
      const stored = await cache.get<{ entries: unknown[] }>(semanticBucketKey(bucket('bea')));
      expect(stored?.entries).toHaveLength(2);
    });

    it('given a bucket value of another shape, when looked up, then it is a miss, counted and dropped, and the bucket works again', async () => {
      await cache.set(semanticBucketKey(bucket('bea')), { entries: [{ e: 'not a vector' }] }, MINUTE);
      const cached = semantic();
      expect(await cached.find(said('where is the blacksmith'))).toBeUndefined();
      expect(cached.counts.corruptBuckets).toBe(1);
      await cached.remember(said('where is the blacksmith'), 'answer:1', MINUTE);
      expect(await answerTo(cached, 'where is the blacksmith')).toBe('answer:1');
    });

    it('given the embedder fails, when remembering and looking up, then nothing throws and it is a miss', async () => {
      await semantic().remember(said('where is the blacksmith'), 'answer:1', MINUTE);
      const cached = semantic(failing);
      await expect(cached.remember(said('hello elder'), 'answer:2', MINUTE)).resolves.toBeUndefined();
      expect(await cached.find(said('where is the blacksmith'))).toBeUndefined();
      expect(cached.counts.embedFailures).toBe(2);
    });

    it('given an empty bucket, when looked up, then no embedding is asked for; a repeated wording is embedded once', async () => {
      const embedder = new TableEmbedder(vectors);
      const cached = semantic(embedder);
      expect(await cached.find(said('where is the blacksmith'))).toBeUndefined();
      expect(embedder.calls).toBe(0);
      await cached.remember(said('where is the blacksmith'), 'answer:1', MINUTE);
      await cached.find(said('Where is the  blacksmith!'));
      await cached.find(said('where is the blacksmith'));
      expect(embedder.calls).toBe(1);
    });
  });
}

semanticCacheSuite('the memory cache', async () => new MemoryCache());

const redisUrl = testServices.redis.url;
if (redisUrl) {
  const prefix = `test:semantic:${Date.now().toString(36)}_${randomBytes(3).toString('hex')}:`;
  let opened = 0;
  semanticCacheSuite('Redis', () => RedisCache.open({ url: redisUrl, prefix: `${prefix}${opened++}:` }));
} else {
  describe('SemanticCache over Redis', () => {
    it.skip(`skipped: no Redis (set ${testServices.redis.variable})`, () => {});
  });
  reportSkipped('Redis', testServices.redis.variable);
}

describe('SemanticCache settings', () => {
  it('refuses a threshold outside (0, 1] and a maxPerBucket below 1', () => {
    const deps = { cache: new MemoryCache(), embedder: failing };
    expect(() => new SemanticCache({ ...deps, threshold: 0 })).toThrow(RangeError);
    expect(() => new SemanticCache({ ...deps, threshold: 1.5 })).toThrow(RangeError);
    expect(() => new SemanticCache({ ...deps, maxPerBucket: 0 })).toThrow(RangeError);
  });
});

describe('semanticText', () => {
  it('is the normalised message of a talk, say, emote or whisper', () => {
    expect(
      semanticText({ action_type: 'talk', npc: 'elder', message: '  Tell me about   the Prophecy?! ' }),
    ).toBe('tell me about the prophecy?');
    expect(semanticText({ action_type: 'say', message: 'Hello, everyone!' })).toBe('hello, everyone');
    expect(semanticText({ action_type: 'whisper', to: 'bea', message: 'psst' })).toBe('psst');
  });

  it('is undefined for an action without free wording, or a wording without a letter or digit', () => {
    expect(semanticText({ action_type: 'look' })).toBeUndefined();
    expect(semanticText({ action_type: 'take', item: 'sword' })).toBeUndefined();
    expect(semanticText({ action_type: 'say', message: '?!...' })).toBeUndefined();
  });

  it('keeps a closing question mark, so a question and a statement stay apart', () => {
    expect(normaliseSemanticText('the bridge is safe.')).toBe('the bridge is safe');
    expect(normaliseSemanticText('is the bridge safe ?')).toBe('is the bridge safe?');
  });
});

describe('wordingForm', () => {
  it('tells negated from plain wordings, and asking (a question, a request to tell) from telling', () => {
    const form = (text: string) => wordingForm(normaliseSemanticText(text)!);
    expect(form('I am ready')).toBe('tell');
    expect(form("I don't trust you")).toBe('tell:not');
    expect(form('no thanks')).toBe('tell:not');
    expect(form('is the bridge safe')).toBe('ask');
    expect(form('the bridge is safe?')).toBe('ask');
    expect(form('Tell me about the prophecy')).toBe('ask');
    expect(form("isn't the bridge safe?")).toBe('ask:not');
  });
});
