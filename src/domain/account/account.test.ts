import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import { type AccountEvent, accountDecider } from './account.ts';

const spec = deciderSpec(accountDecider);
const register = { type: 'RegisterAccount', username: 'Ayla', playerId: 'p1' } as const;
const legacyRegistered: AccountEvent = {
  type: 'AccountRegistered',
  data: { username: 'ayla', playerId: 'p0', passwordHash: '$2b$04$legacy' },
};

describe('account decider', () => {
  it('registers a free username, and the event carries no credential', () => {
    spec
      .given([])
      .when(register)
      .then([{ type: 'AccountRegistered', data: { username: 'Ayla', playerId: 'p1' } }]);
  });
  it('refuses a taken username, also one registered before credentials left the events', () => {
    spec
      .given([{ type: 'AccountRegistered', data: { username: 'ayla', playerId: 'p0' } }])
      .when(register)
      .thenRefuses('username_taken');
    spec.given([legacyRegistered]).when(register).thenRefuses('username_taken');
  });
  it('refuses names that are too short or have odd characters, before anything else', () => {
    spec
      .given([])
      .when({ ...register, username: 'al' })
      .thenRefuses('invalid_username');
    spec
      .given([])
      .when({ ...register, username: 'al ice<script>' })
      .thenRefuses('invalid_username');
    spec
      .given([legacyRegistered])
      .when({ ...register, username: 'a\u0000' })
      .thenRefuses('invalid_username');
  });
  it('keeps an old event’s hash as the legacy credential, and none for new events', () => {
    expect(fold(accountDecider, [legacyRegistered]).legacyPasswordHash).toBe('$2b$04$legacy');
    const current = fold(accountDecider, [
      { type: 'AccountRegistered', data: { username: 'ayla', playerId: 'p0' } },
    ]);
    expect(current).toEqual({ registered: true, username: 'ayla', playerId: 'p0' });
  });
});
