import { randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureWorld } from '../domain/testing/fixture-world.ts';
import { CredentialStore } from '../infrastructure/credential-store.ts';
import { type Database, openDatabase, untyped } from '../infrastructure/database.ts';
import { type EventStoreTables, SqlEventStore } from '../infrastructure/event-store/sql-event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { AccountService } from './accounts.ts';
import { CommandHandler } from './command-handler.ts';
import { PasswordHasher } from './password-hashing.ts';
import { WorldRuntime } from './world-runtime.ts';

class CountingHasher extends PasswordHasher {
  hashes = 0;
  override hash(password: string): Promise<string> {
    this.hashes++;
    return super.hash(password);
  }
}

describe('AccountService', () => {
  let database: Database<EventStoreTables>;
  let store: SqlEventStore;
  let credentials: CredentialStore;
  let hasher: CountingHasher;
  let accounts: AccountService;

  beforeAll(async () => {
    database = await openDatabase<EventStoreTables>({ kind: 'pglite' });
    store = new SqlEventStore(database, { name: 'pglite', pollIntervalMs: 20 });
    credentials = new CredentialStore(untyped(database.db));
    const commands = new CommandHandler(store);
    const runtime = await WorldRuntime.start(
      store,
      commands,
      fixtureWorld(),
      'fixture',
      createLogger('silent', false),
    );
    hasher = new CountingHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
    accounts = new AccountService(commands, runtime, credentials, hasher);
  });
  afterAll(async () => {
    await store.close();
    await database.close();
  });

  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'registered',
      (error: { code?: string }) => error.code,
    );

  it('refuses a bad name, a weak password, a taken name and a look-alike without hashing anything', async () => {
    await accounts.register('kyla', 'correct horse');
    hasher.hashes = 0;
    expect(await refusal(accounts.register('k\u0000la', 'correct horse'))).toBe('invalid_username');
    expect(await refusal(accounts.register('spacey', '        '))).toBe('weak_password');
    expect(await refusal(accounts.register('kyla', 'correct horse'))).toBe('username_taken');
    expect(await refusal(accounts.register('KyIa', 'correct horse'))).toBe('username_taken');
    expect(hasher.hashes).toBe(0);
  });

  it('lets one of two look-alike names registered at the same moment through', async () => {
    const results = await Promise.all([
      refusal(accounts.register('kyle1', 'correct horse')),
      refusal(accounts.register('kylel', 'correct horse')),
    ]);
    expect(results.sort()).toEqual(['registered', 'username_taken']);
  });

  it('records the account at login when a crash came between the credential and the event', async () => {
    const playerId = randomUUID();
    await credentials.claim({
      playerId,
      accountKey: 'account-halfway',
      username: 'Halfway',
      nameKey: 'halfway',
      passwordHash: await hasher.hash('correct horse'),
    });
    expect(await accounts.login('halfway', 'correct horse')).toEqual({ playerId, username: 'Halfway' });
    const events = await store.readStream('account-halfway');
    expect(events.map((event) => event.data)).toEqual([{ username: 'Halfway', playerId }]);
  });

  it('logs in an account whose bcrypt hash is still only in its old event, and stores argon2id', async () => {
    const playerId = randomUUID();
    await store.appendToStream(
      'account-oldtimer',
      [
        {
          id: randomUUID(),
          type: 'AccountRegistered',
          data: { username: 'oldtimer', playerId, passwordHash: await bcrypt.hash('correct horse', 4) },
          metadata: { timestamp: new Date().toISOString() },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    expect((await accounts.login('oldtimer', 'correct horse')).playerId).toBe(playerId);
    expect((await credentials.findByAccountKey('account-oldtimer'))?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await refusal(accounts.login('oldtimer', 'wrong horse'))).toBe('invalid_credentials');
    expect(await refusal(accounts.login('nobody', 'correct horse'))).toBe('invalid_credentials');
  });
});
