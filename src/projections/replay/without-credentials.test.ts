import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../infrastructure/event-store/event-store.ts';
import { withoutCredentials } from './event-query.ts';
import { toCsv, toJsonLines } from './formats.ts';

const legacy: StoredEvent = {
  id: '7f0c1a52-4c1e-4a51-9d7e-2f1f0a3c9e11',
  streamId: 'account-ayla',
  revision: 0n,
  position: 12n,
  type: 'AccountRegistered',
  data: { username: 'ayla', playerId: 'p1', passwordHash: '$2b$10$abcdefghijklmnopqrstuv' },
  metadata: { timestamp: '2026-11-25T10:00:00.000Z' },
};

async function text(chunks: AsyncIterable<string>) {
  let all = '';
  for await (const chunk of chunks) all += chunk;
  return all;
}

describe('old AccountRegistered events, as readers see them', () => {
  it('lose the password hash and keep everything else', () => {
    expect(withoutCredentials(legacy)).toEqual({ ...legacy, data: { username: 'ayla', playerId: 'p1' } });
    expect(legacy.data).toHaveProperty('passwordHash'); // the stored event itself is not changed
  });
  it('leave other events as they are', () => {
    const said = { ...legacy, type: 'PlayerSaid', data: { passwordHash: 'a phrase a player said' } };
    expect(withoutCredentials(said)).toBe(said);
  });
  it('export without it in JSON lines and CSV', async () => {
    async function* events() {
      yield withoutCredentials(legacy);
    }
    for (const output of [await text(toJsonLines(events())), await text(toCsv(events()))]) {
      expect(output).toContain('ayla');
      expect(output).not.toContain('$2b$');
    }
  });
});
