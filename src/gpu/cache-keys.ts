import { createHash } from 'node:crypto';

export type CacheKind = 'description' | 'greeting' | 'action';
export type CacheScope = { public: true } | { playerId: string };

export interface CacheKeyParts {
  kind: CacheKind;
  /** The world content in force; a new version never reads the old one's entries. */
  worldVersion: string;
  /** Public outcomes may be shared; a player's own outcome is only ever found under that player. */
  scope: CacheScope;
  /** Everything the outcome depends on; hashed, so it may be large. */
  facts: unknown;
}

/**
 * `kind:worldVersion:public:sha256(facts)` or `kind:worldVersion:player:<id>:sha256(facts)`.
 * The world version and player id are URI-encoded so neither can contain ':', which makes the layout
 * unambiguous: a player key has one segment more than a public key, and distinct ids stay distinct.
 */
export function cacheKey(parts: CacheKeyParts): string {
  return `${cacheKeyPrefix(parts.kind, parts.worldVersion)}${scopePart(parts.scope)}:${factsHash(parts.facts)}`;
}

/** What every key of that kind (and world version) starts with, for Cache.deleteByPrefix. */
export function cacheKeyPrefix(kind: CacheKind, worldVersion?: string): string {
  return worldVersion === undefined ? `${kind}:` : `${kind}:${encodeURIComponent(worldVersion)}:`;
}

/** JSON with the keys of every object sorted, so equal facts give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  const json = JSON.stringify(value, (_key, item: unknown) =>
    isPlainObject(item)
      ? Object.fromEntries(
          Object.keys(item)
            .sort()
            .map((k) => [k, item[k]]),
        )
      : item,
  );
  if (json === undefined) throw new TypeError('cache key facts are not JSON-serialisable');
  return json;
}

function scopePart(scope: CacheScope): string {
  // A scope carrying a player id is private even if it also claims to be public.
  if ('playerId' in scope) {
    if (!scope.playerId) throw new TypeError('a player-scoped cache key needs a player id');
    return `player:${encodeURIComponent(scope.playerId)}`;
  }
  return 'public';
}

function factsHash(facts: unknown): string {
  return createHash('sha256').update(canonicalJson(facts)).digest('hex');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
