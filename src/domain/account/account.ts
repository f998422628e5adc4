import { type Decider, DomainError, type DomainEvent } from '../decider.ts';

/**
 * `passwordHash` is in events recorded before credentials got their own store (an event log is not
 * rewritten); new events carry no credential, and every reader of the log drops the old field.
 */
export type AccountEvent = DomainEvent<
  'AccountRegistered',
  { username: string; playerId: string; passwordHash?: string }
>;
export type AccountCommand = { type: 'RegisterAccount'; username: string; playerId: string };

export interface AccountState {
  registered: boolean;
  username: string;
  playerId: string;
  /** A bcrypt hash from an old event, for an account whose credential is not in the store yet. */
  legacyPasswordHash?: string;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9_-]{3,24}$/;

/** One stream per username (case-insensitive), so the event store itself keeps usernames unique. */
export const accountStream = (username: string) => `account-${username.toLowerCase()}`;

export function checkUsername(username: unknown): asserts username is string {
  if (typeof username !== 'string' || !USERNAME_PATTERN.test(username)) {
    throw new DomainError('invalid_username', 'a username is 3-24 letters, digits, "_" or "-"');
  }
}

export const usernameTaken = (username: string) =>
  new DomainError('username_taken', `the name ${username} is taken (or looks like one that is)`);

export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  initialState: () => ({ registered: false, username: '', playerId: '' }),
  decide(command, state) {
    checkUsername(command.username);
    if (state.registered) throw usernameTaken(command.username);
    const { username, playerId } = command;
    return [{ type: 'AccountRegistered', data: { username, playerId } }];
  },
  evolve(state, event) {
    if (event.type !== 'AccountRegistered') return state;
    const { username, playerId, passwordHash } = event.data;
    return {
      registered: true,
      username,
      playerId,
      ...(passwordHash ? { legacyPasswordHash: passwordHash } : {}),
    };
  },
};
