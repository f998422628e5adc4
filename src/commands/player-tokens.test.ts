import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRevoked } from '../domain/account/token-revocations.ts';
import type { SqlEventStore } from '../infrastructure/event-store/sql-event-store.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import { CommandHandler } from './command-handler.ts';
import { PlayerTokens } from './player-tokens.ts';
import type { WorldRuntime } from './world-runtime.ts';

const DAY = 86_400_000;

describe('player tokens', () => {
  let store: SqlEventStore;
  let now = Date.now();
  let tokens: PlayerTokens;
  beforeAll(async () => {
    store = await openInMemoryEventStore();
    // Revocation needs no world: check() alone asks the runtime for the player decider.
    tokens = new PlayerTokens(new CommandHandler(store), {} as WorldRuntime, store, () => new Date(now));
  });
  afterAll(async () => {
    await store?.close();
  });

  const token = (issuedMs: number) => ({
    jti: randomUUID(),
    iat: Math.floor(issuedMs / 1000),
    exp: Math.floor(issuedMs / 1000) + 3600,
  });

  it('reads a long history of revocations page by page, losing none', async () => {
    const player = randomUUID();
    const revoked = Array.from({ length: 230 }, () => token(now));
    for (const one of revoked) await tokens.revoke(player, one);
    const state = await tokens.revocations(player);
    expect(revoked.every((one) => isRevoked(state, one))).toBe(true);
    expect(isRevoked(state, token(now))).toBe(false);
  });

  it('keeps a "revoke all" and the single revocations after it; later tokens are valid', async () => {
    const player = randomUUID();
    const before = token(now - 60_000);
    await tokens.revoke(player, before);
    now += 1000;
    await tokens.revokeAll(player);
    now += 2000;
    const after = token(now);
    const later = token(now);
    await tokens.revoke(player, later);
    const state = await tokens.revocations(player);
    expect(isRevoked(state, before)).toBe(true);
    expect(isRevoked(state, after)).toBe(false);
    expect(isRevoked(state, later)).toBe(true);
  });

  it('stops reading at revocations older than any token lives', async () => {
    const player = randomUUID();
    const old = { jti: randomUUID(), iat: Math.floor(now / 1000), exp: Math.floor((now + 30 * DAY) / 1000) };
    await tokens.revoke(player, old);
    now += 9 * DAY;
    const state = await tokens.revocations(player);
    // A token can live 7 days at most, so a 9-day-old revocation no longer matters (nor is read).
    expect(state.revoked).toEqual({});
  });
});
