import { type Decider, DomainError, type DomainEvent } from '../decider.ts';

export type AccountEvent = DomainEvent<
  'AccountRegistered',
  { username: string; playerId: string; passwordHash: string }
>;
export type AccountCommand = {
  type: 'RegisterAccount';
  username: string;
  playerId: string;
  passwordHash: string;
};

export interface AccountState {
  registered: boolean;
  username: string;
  playerId: string;
  passwordHash: string;
}

export const USERNAME_PATTERN = /^[A-Za-z0-9_-]{3,24}$/;

/** One stream per username (case-insensitive), so the event store itself keeps usernames unique. */
export const accountStream = (username: string) => `account-${username.toLowerCase()}`;

export const accountDecider: Decider<AccountState, AccountCommand, AccountEvent> = {
  initialState: () => ({ registered: false, username: '', playerId: '', passwordHash: '' }),
  decide(command, state) {
    if (state.registered) throw new DomainError('username_taken', `the name ${command.username} is taken`);
    if (!USERNAME_PATTERN.test(command.username)) {
      throw new DomainError('invalid_username', 'a username is 3-24 letters, digits, "_" or "-"');
    }
    const { username, playerId, passwordHash } = command;
    return [{ type: 'AccountRegistered', data: { username, playerId, passwordHash } }];
  },
  evolve(state, event) {
    return event.type === 'AccountRegistered' ? { registered: true, ...event.data } : state;
  },
};
