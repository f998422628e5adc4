import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import { isRevoked, type TokenRevocationEvent, tokenRevocationDecider } from './token-revocations.ts';

const spec = deciderSpec(tokenRevocationDecider);
const token = { jti: 'j1', iat: 1_000, exp: 2_000 };
const revoked = (jti: string, expiresAt: number, at: number): TokenRevocationEvent => ({
  type: 'TokenRevoked',
  data: { jti, expires_at: expiresAt, revoked_at: at },
});

describe('token revocation decider', () => {
  it('revokes one token by its id, once', () => {
    spec
      .given([])
      .when({ type: 'RevokeToken', token, at: 1_500_000 })
      .then([revoked('j1', 2_000, 1_500_000)]);
    spec
      .given([revoked('j1', 2_000, 1_500_000)])
      .when({ type: 'RevokeToken', token, at: 1_600_000 })
      .thenNothingHappens();
  });

  it('revokes every token issued up to the moment of a "revoke all", and none issued later', () => {
    const state = fold(tokenRevocationDecider, [
      { type: 'AllTokensRevoked', data: { revoked_at: 1_500_000 } },
    ]);
    expect(isRevoked(state, { jti: 'a', iat: 1_400 })).toBe(true);
    expect(isRevoked(state, { jti: 'b', iat: 1_500 })).toBe(true);
    expect(isRevoked(state, { jti: 'c', iat: 1_501 })).toBe(false);
  });

  it('forgets revoked tokens once they have expired, so the list stays short', () => {
    const state = fold(tokenRevocationDecider, [
      revoked('old', 1_100, 1_000_000),
      revoked('new', 3_000, 1_200_000),
    ]);
    expect(Object.keys(state.revoked)).toEqual(['new']);
    expect(isRevoked(state, { jti: 'new', iat: 1_000 })).toBe(true);
    expect(isRevoked(state, { jti: 'other', iat: 1_000 })).toBe(false);
  });
});
