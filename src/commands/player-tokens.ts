import type { TokenIdentity } from '../domain/account/token-revocations.ts';
import {
  isRevoked,
  type TokenRevocationEvent,
  type TokenRevocationState,
  tokenRevocationDecider,
  tokenRevocationStream,
} from '../domain/account/token-revocations.ts';
import { fold } from '../domain/decider.ts';
import { type PlayerState, playerStream } from '../domain/player/player.ts';
import type { EventStore, Subscription } from '../infrastructure/event-store/event-store.ts';
import type { CommandHandler } from './command-handler.ts';
import type { WorldRuntime } from './world-runtime.ts';

/** Longer than any token lives (JWT_TTL is at most 7 days). */
const MAX_TOKEN_LIFETIME_MS = 8 * 86_400_000;
const PAGE = 100;

const foldNewestFirst = (events: TokenRevocationEvent[]) => fold(tokenRevocationDecider, events.reverse());

export type TokenCheck = 'valid' | 'revoked' | 'unknown_player';

/**
 * Whether a signed player token may still be used, and its revocation (log out one token, or every
 * token of a player). Revocations are events in the player's `tokens-…` stream: they hold in every
 * process and across restarts.
 */
export class PlayerTokens {
  constructor(
    private readonly commands: CommandHandler,
    private readonly runtime: WorldRuntime,
    private readonly store: EventStore,
    /** Real time, as the tokens' own `iat` (never the world's clock, which tests may shift). */
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async check(playerId: string, token: TokenIdentity): Promise<TokenCheck> {
    // A player, once registered, stays so: a cached registered state needs no read.
    const cached = this.commands.peek<PlayerState>(playerStream(playerId), this.runtime.deciders.player);
    const player = cached?.state.registered
      ? cached.state
      : (await this.commands.load(playerStream(playerId), this.runtime.deciders.player)).state;
    if (!player.registered) return 'unknown_player';
    return isRevoked(await this.revocations(playerId), token) ? 'revoked' : 'valid';
  }

  /**
   * The player's revocations still in force, read from the store (not the command cache, which
   * player streams need). Newest first, back to a "revoke all" or to revocations old enough that
   * every token they name has expired anyway, so a long history is not read on every connection.
   */
  async revocations(playerId: string): Promise<TokenRevocationState> {
    const stream = tokenRevocationStream(playerId);
    const oldestRelevant = this.clock().getTime() - MAX_TOKEN_LIFETIME_MS;
    const newestFirst: TokenRevocationEvent[] = [];
    let from: bigint | undefined;
    for (;;) {
      const page = await this.store.readStream(stream, {
        direction: 'backwards',
        maxCount: PAGE,
        ...(from === undefined ? {} : { fromRevision: from }),
      });
      for (const stored of page) {
        const event = { type: stored.type, data: stored.data } as TokenRevocationEvent;
        if (event.type === 'TokenRevoked' && event.data.revoked_at < oldestRelevant)
          return foldNewestFirst(newestFirst);
        newestFirst.push(event);
        if (event.type === 'AllTokensRevoked') return foldNewestFirst(newestFirst);
      }
      const last = page.at(-1);
      if (page.length < PAGE || !last || last.revision === 0n) return foldNewestFirst(newestFirst);
      from = last.revision - 1n;
    }
  }

  async revoke(playerId: string, token: TokenIdentity): Promise<void> {
    await this.commands.handle(
      tokenRevocationStream(playerId),
      tokenRevocationDecider,
      { type: 'RevokeToken', token, at: this.clock().getTime() },
      { commandId: `revoke-${token.jti}`, playerId },
    );
  }

  async revokeAll(playerId: string): Promise<void> {
    const at = this.clock().getTime();
    await this.commands.handle(
      tokenRevocationStream(playerId),
      tokenRevocationDecider,
      { type: 'RevokeAllTokens', at },
      { commandId: `revoke-all-${at}`, playerId },
    );
  }

  /** Calls `revoked(playerId)` for every revocation recorded from now on, by this process or another. */
  watch(revoked: (playerId: string) => void, failed: (error: unknown) => void): Subscription {
    const subscription = this.store.subscribeToAll({ after: 'end', filter: { streamPrefixes: ['tokens-'] } });
    void (async () => {
      for await (const event of subscription) revoked(event.streamId.slice('tokens-'.length));
    })().catch((error: unknown) => failed(error));
    return subscription;
  }
}
