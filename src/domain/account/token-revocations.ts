import type { Decider, DomainEvent } from '../decider.ts';

/** The claims of a signed player token that revocation looks at (JWT times are in seconds). */
export interface TokenIdentity {
  jti: string;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** Expires at, seconds since the epoch. */
  exp: number;
}

export type TokenRevocationEvent =
  | DomainEvent<'TokenRevoked', { jti: string; expires_at: number; revoked_at: number }>
  | DomainEvent<'AllTokensRevoked', { revoked_at: number }>;

export type TokenRevocationCommand =
  | { type: 'RevokeToken'; token: TokenIdentity; at: number }
  | { type: 'RevokeAllTokens'; at: number };

export interface TokenRevocationState {
  /** Tokens issued during or before this second (milliseconds, rounded down to it) are revoked. */
  allRevokedAt: number;
  /** Single revoked tokens that have not expired yet: jti → expiry (seconds). */
  revoked: Record<string, number>;
}

/** One stream per player; not `player-…`, which projections read as the player's own stream. */
export const tokenRevocationStream = (playerId: string) => `tokens-${playerId}`;

export const tokenRevocationDecider: Decider<
  TokenRevocationState,
  TokenRevocationCommand,
  TokenRevocationEvent
> = {
  initialState: () => ({ allRevokedAt: 0, revoked: {} }),
  decide(command, state) {
    if (command.type === 'RevokeAllTokens')
      return [{ type: 'AllTokensRevoked', data: { revoked_at: command.at } }];
    if (isRevoked(state, command.token)) return [];
    const { jti, exp } = command.token;
    return [{ type: 'TokenRevoked', data: { jti, expires_at: exp, revoked_at: command.at } }];
  },
  evolve(state, event) {
    if (event.type === 'AllTokensRevoked') {
      // Every token listed one by one was issued before this mark: the mark covers them all.
      return { allRevokedAt: Math.max(state.allRevokedAt, event.data.revoked_at), revoked: {} };
    }
    const nowSeconds = event.data.revoked_at / 1000;
    const revoked: Record<string, number> = {};
    for (const [jti, expiresAt] of Object.entries(state.revoked))
      if (expiresAt > nowSeconds) revoked[jti] = expiresAt;
    revoked[event.data.jti] = event.data.expires_at;
    return { ...state, revoked };
  },
};

/**
 * Whether the token is revoked. JWT issue times are whole seconds, so a token issued in the same
 * second as a "revoke all" counts as revoked (signing in again a second later gives a valid one).
 */
export function isRevoked(state: TokenRevocationState, token: Pick<TokenIdentity, 'jti' | 'iat'>): boolean {
  if (token.iat * 1000 <= state.allRevokedAt) return true;
  return Object.hasOwn(state.revoked, token.jti);
}
