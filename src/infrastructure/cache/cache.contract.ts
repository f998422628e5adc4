import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from './cache.ts';

export interface CacheUnderTest {
  name: string;
  /** A cache of its own: two caches opened here never see each other's keys. */
  open(): Promise<Cache>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MINUTE = 60_000;

/** The behaviour every Cache adapter must have. Keys are unique per test; every cache is emptied at the end. */
export function cacheContract(subject: CacheUnderTest): void {
  describe(`Cache contract: ${subject.name}`, () => {
    const opened: Cache[] = [];
    const open = async () => {
      const cache = await subject.open();
      opened.push(cache);
      return cache;
    };
    let cache: Cache;
    let run: string;
    const key = (name: string) => `${run}:${name}`;

    beforeAll(async () => {
      cache = await open();
    });
    afterAll(async () => {
      for (const each of opened) {
        await each.deleteByPrefix('');
        await each.close();
      }
    });
    beforeEach(() => {
      run = randomUUID().slice(0, 8);
    });

    it('answers a ping', async () => {
      await expect(cache.ping()).resolves.toBeUndefined();
    });

    it('round-trips nested objects and plain values', async () => {
      const value = { npc: 'elder', lines: ['hello', 'again'], mood: { warmth: 3, notes: null }, ok: true };
      await cache.set(key('object'), value, MINUTE);
      await cache.set(key('string'), 'a greeting', MINUTE);
      await cache.set(key('zero'), 0, MINUTE);
      await cache.set(key('null'), null, MINUTE);
      expect(await cache.get(key('object'))).toEqual(value);
      expect(await cache.get(key('string'))).toBe('a greeting');
      expect(await cache.get(key('zero'))).toBe(0);
      expect(await cache.get(key('null'))).toBeNull();
    });

    it('answers undefined for a missing key', async () => {
      expect(await cache.get(key('never-set'))).toBeUndefined();
    });

    it('replaces a value that is set again', async () => {
      await cache.set(key('k'), 'first', MINUTE);
      await cache.set(key('k'), 'second', MINUTE);
      expect(await cache.get(key('k'))).toBe('second');
    });

    it('forgets an entry once its TTL has passed, and only that entry', async () => {
      await cache.set(key('short'), 'soon gone', 80);
      await cache.set(key('long'), 'still here', MINUTE);
      expect(await cache.get(key('short'))).toBe('soon gone');
      await sleep(200);
      expect(await cache.get(key('short'))).toBeUndefined();
      expect(await cache.get(key('long'))).toBe('still here');
    });

    it('refuses a TTL that is not a positive number', async () => {
      await expect(cache.set(key('k'), 1, 0)).rejects.toThrow(RangeError);
      await expect(cache.set(key('k'), 1, -5)).rejects.toThrow(RangeError);
      await expect(cache.set(key('k'), 1, Number.NaN)).rejects.toThrow(RangeError);
      expect(await cache.get(key('k'))).toBeUndefined();
    });

    it('deletes one key, or many, ignoring keys that are not there', async () => {
      for (const name of ['a', 'b', 'c', 'd']) await cache.set(key(name), name, MINUTE);
      await cache.delete(key('a'));
      await cache.delete([key('b'), key('c'), key('missing')]);
      await cache.delete([]);
      expect(await cache.get(key('a'))).toBeUndefined();
      expect(await cache.get(key('b'))).toBeUndefined();
      expect(await cache.get(key('c'))).toBeUndefined();
      expect(await cache.get(key('d'))).toBe('d');
    });

    it('deletes exactly the keys that start with a prefix and counts them', async () => {
      const names = [
        'description:loc-1:day',
        'description:loc-1:night',
        'description:loc-10:day',
        'greeting:loc-1',
      ];
      for (const name of names) await cache.set(key(name), name, MINUTE);
      expect(await cache.deleteByPrefix(key('description:loc-1:'))).toBe(2);
      expect(await cache.get(key('description:loc-1:day'))).toBeUndefined();
      expect(await cache.get(key('description:loc-1:night'))).toBeUndefined();
      expect(await cache.get(key('description:loc-10:day'))).toBe('description:loc-10:day');
      expect(await cache.get(key('greeting:loc-1'))).toBe('greeting:loc-1');
      expect(await cache.deleteByPrefix(key('description:loc-1:'))).toBe(0);
    });

    it('takes a prefix literally, glob characters included', async () => {
      await cache.set(key('a*'), 1, MINUTE);
      await cache.set(key('ab'), 2, MINUTE);
      await cache.set(key('a?[x]'), 3, MINUTE);
      expect(await cache.deleteByPrefix(key('a*'))).toBe(1);
      expect(await cache.deleteByPrefix(key('a?['))).toBe(1);
      expect(await cache.get(key('ab'))).toBe(2);
    });

    it('hands out copies: mutating what was set or what get returned leaves the cache as it was', async () => {
      const value = { items: ['sword'], stats: { hp: 10 } };
      await cache.set(key('k'), value, MINUTE);
      value.items.push('set-side change');
      const read = await cache.get<typeof value>(key('k'));
      read!.items.push('get-side change');
      read!.stats.hp = 0;
      expect(await cache.get(key('k'))).toEqual({ items: ['sword'], stats: { hp: 10 } });
    });

    it('keeps the keys of two caches apart', async () => {
      const other = await open();
      await cache.set(key('shared-name'), 'mine', MINUTE);
      expect(await other.get(key('shared-name'))).toBeUndefined();
      await other.set(key('shared-name'), 'theirs', MINUTE);
      expect(await cache.get(key('shared-name'))).toBe('mine');
      expect(await other.deleteByPrefix(key(''))).toBe(1);
      expect(await cache.get(key('shared-name'))).toBe('mine');
    });
  });
}
