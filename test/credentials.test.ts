import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../src/cli/read-commands.ts';
import { openDatabase } from '../src/infrastructure/database.ts';
import { httpPacer } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

const ADMIN_TOKEN = 'credentials-admin-0123456789';
const LONG = 'x'.repeat(72);

/** Credentials as a server that stored the bcrypt hash in AccountRegistered left them. */
describe('passwords and credentials', () => {
  let dataDir: string;
  let server: TestSystem;
  const legacyPlayerId = randomUUID();

  /** Paced like the other tests' requests: the server allows 10 a second from one address. */
  const request = async (path: string, init: RequestInit = {}) => {
    await httpPacer.slot();
    return fetch(`${server.baseUrl}${path}`, init);
  };
  const post = (path: string, body: object) =>
    request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const login = (username: string, password: string) => post('/auth/login', { username, password });
  const start = async () => {
    server = await startTestSystem({ dataDir, env: { ADMIN_TOKEN } });
  };
  const storedCredentials = async () => {
    const database = await openDatabase<unknown>({ kind: 'pglite', dataDir: join(dataDir, 'pglite') });
    try {
      const { rows } = await database.db.executeQuery<{ account_key: string; password_hash: string }>({
        sql: 'select account_key, password_hash from credentials order by account_key',
        parameters: [],
        query: { kind: 'SelectQueryNode' } as never,
        queryId: { queryId: 'credentials' },
      });
      return rows;
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'langomni-credentials-'));
    await start();
    await server.system.store.appendToStream(
      'account-oldtimer',
      [
        {
          id: randomUUID(),
          type: 'AccountRegistered',
          data: {
            username: 'Oldtimer',
            playerId: legacyPlayerId,
            passwordHash: await bcrypt.hash(`${LONG}AAAA`, 4),
          },
          metadata: { timestamp: new Date().toISOString() },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    await server.system.close();
    await start(); // the start-up that moves the old event's hash out
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('reads every byte of a new password (bcrypt stopped at the 72nd)', async () => {
    expect((await post('/auth/register', { username: 'longpass', password: `${LONG}AAAA` })).status).toBe(
      201,
    );
    expect((await login('longpass', `${LONG}ZZZZZZZZ`)).status).toBe(401);
    expect((await login('longpass', `${LONG}AAAA`)).status).toBe(200);
  });

  it('refuses blank, common and look-alike registrations with clear errors', async () => {
    const weak = await post('/auth/register', { username: 'spacey', password: '        ' });
    expect(weak.status).toBe(400);
    expect(((await weak.json()) as { error: { code: string } }).error.code).toBe('weak_password');
    expect((await post('/auth/register', { username: 'kyla', password: 'correct horse' })).status).toBe(201);
    for (const alike of ['kyIa', 'KYLA', 'ky1a']) {
      const taken = await post('/auth/register', { username: alike, password: 'correct horse' });
      expect(taken.status, alike).toBe(409);
      expect(((await taken.json()) as { error: { code: string } }).error.code).toBe('username_taken');
    }
    expect((await post('/auth/register', { username: 'oIdtimer', password: 'correct horse' })).status).toBe(
      409,
    );
  });

  it('keeps credentials out of the events it records and out of every export of old ones', async () => {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const format of ['jsonl', 'csv']) {
      const response = await request(`/admin/events?category=account&format=${format}`, { headers });
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).toContain('Oldtimer');
      expect(text).toContain('longpass');
      expect(text).not.toContain('passwordHash');
      expect(text).not.toMatch(/\$2[aby]\$|\$argon2/);
    }
  });

  it('logs an old account in with its bcrypt hash once, then holds its argon2id hash instead', async () => {
    expect((await login('oldtimer', `${LONG}AAAA`)).status).toBe(200);
    // argon2id reads the whole password: the bytes bcrypt ignored count from now on.
    expect((await login('oldtimer', `${LONG}ZZZZZZZZ`)).status).toBe(401);
    expect((await login('Oldtimer', `${LONG}AAAA`)).status).toBe(200);
  });

  it('moved the old hash to the credential store at start-up, and langomni replay shows none', async () => {
    await server.system.close();
    const rows = await storedCredentials();
    expect(rows.map((row) => row.account_key)).toEqual([
      'account-kyla',
      'account-longpass',
      'account-oldtimer',
    ]);
    for (const row of rows) expect(row.password_hash).toMatch(/^\$argon2id\$/);

    const stdout = new PassThrough();
    let output = '';
    stdout.on('data', (chunk) => {
      output += chunk;
    });
    const code = await replay(['--category', 'account'], {
      stdout,
      stderr: new PassThrough(),
      env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    });
    expect(code).toBe(0);
    expect(output).toContain(legacyPlayerId);
    expect(output).not.toContain('passwordHash');
    await start(); // for afterAll
  });
});
