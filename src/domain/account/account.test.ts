import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { accountDecider } from './account.ts';

const spec = deciderSpec(accountDecider);
const register = { type: 'RegisterAccount', username: 'Ayla', playerId: 'p1', passwordHash: 'hash' } as const;

describe('account decider', () => {
  it('registers a free username', () => {
    spec
      .given([])
      .when(register)
      .then([
        { type: 'AccountRegistered', data: { username: 'Ayla', playerId: 'p1', passwordHash: 'hash' } },
      ]);
  });
  it('refuses a taken username', () => {
    spec
      .given([{ type: 'AccountRegistered', data: { username: 'ayla', playerId: 'p0', passwordHash: 'x' } }])
      .when(register)
      .thenRefuses('username_taken');
  });
  it('refuses names that are too short or have odd characters', () => {
    spec
      .given([])
      .when({ ...register, username: 'al' })
      .thenRefuses('invalid_username');
    spec
      .given([])
      .when({ ...register, username: 'al ice<script>' })
      .thenRefuses('invalid_username');
  });
});
