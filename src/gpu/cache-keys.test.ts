import { describe, expect, it } from 'vitest';
import { type CacheKeyParts, cacheKey, cacheKeyPrefix, canonicalJson } from './cache-keys.ts';

const facts = { location: 'smithy', time: { hour: 9, phase: 'morning' }, items: ['anvil', 'tongs'] };
const parts = (overrides: Partial<CacheKeyParts> = {}): CacheKeyParts => ({
  kind: 'description',
  worldVersion: 'v3',
  scope: { public: true },
  facts,
  ...overrides,
});

describe('cacheKey', () => {
  it('has the layout kind:worldVersion:scope:sha256', () => {
    expect(cacheKey(parts())).toMatch(/^description:v3:public:[0-9a-f]{64}$/);
    expect(cacheKey(parts({ kind: 'action', scope: { playerId: 'p-1' } }))).toMatch(
      /^action:v3:player:p-1:[0-9a-f]{64}$/,
    );
  });

  it('gives the same key for the same facts in any key order, at any depth', () => {
    const reordered = { items: ['anvil', 'tongs'], time: { phase: 'morning', hour: 9 }, location: 'smithy' };
    expect(cacheKey(parts({ facts: reordered }))).toBe(cacheKey(parts()));
  });

  it('gives different keys for different facts, array order included', () => {
    expect(cacheKey(parts({ facts: { ...facts, location: 'forge' } }))).not.toBe(cacheKey(parts()));
    expect(cacheKey(parts({ facts: { ...facts, items: ['tongs', 'anvil'] } }))).not.toBe(cacheKey(parts()));
  });

  it('keeps public keys and every player apart', () => {
    const keys = [
      cacheKey(parts()),
      cacheKey(parts({ scope: { playerId: 'p-1' } })),
      cacheKey(parts({ scope: { playerId: 'p-2' } })),
      // Ids crafted to look like the layout cannot collide with it.
      cacheKey(parts({ scope: { playerId: 'public' } })),
      cacheKey(parts({ scope: { playerId: 'p-1:public' } })),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('cannot be made to collide through a world version that contains the separator', () => {
    const crafted = cacheKey(parts({ worldVersion: 'v3:player:p-1' }));
    const genuine = cacheKey(parts({ scope: { playerId: 'p-1' } }));
    expect(crafted).not.toBe(genuine);
  });

  it('treats a scope with a player id as private', () => {
    const mixed = { public: true, playerId: 'p-1' } as unknown as CacheKeyParts['scope'];
    expect(cacheKey(parts({ scope: mixed }))).toBe(cacheKey(parts({ scope: { playerId: 'p-1' } })));
  });

  it('refuses an empty player id', () => {
    expect(() => cacheKey(parts({ scope: { playerId: '' } }))).toThrow(TypeError);
  });

  it('separates world versions and kinds', () => {
    expect(cacheKey(parts({ worldVersion: 'v4' }))).not.toBe(cacheKey(parts()));
    expect(cacheKey(parts({ kind: 'greeting' }))).not.toBe(cacheKey(parts()));
  });

  it('starts with its kind and world version prefix', () => {
    const key = cacheKey(parts({ worldVersion: 'v3:beta' }));
    expect(key.startsWith(cacheKeyPrefix('description', 'v3:beta'))).toBe(true);
    expect(key.startsWith(cacheKeyPrefix('description'))).toBe(true);
    expect(key.startsWith(cacheKeyPrefix('description', 'v3'))).toBe(false);
  });
});

describe('canonicalJson', () => {
  it('sorts object keys recursively, inside arrays too, and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }], e: { g: null, f: 'x' } })).toBe(
      '{"a":[{"c":3,"d":2}],"b":1,"e":{"f":"x","g":null}}',
    );
  });

  it('refuses facts that are not JSON', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});
