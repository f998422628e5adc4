import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/infrastructure/database.ts';
import { type EventStoreTables, SqlEventStore } from '../src/infrastructure/event-store/sql-event-store.ts';
import { GameClient, register } from './support/game-client.ts';
import { type SpawnedServer, spawnMain, spawnServer } from './support/spawn-server.ts';

const JWT_SECRET = randomBytes(24).toString('hex');

describe('an embedded server run by an operator (real processes)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });
  let dataDir: string;
  let server: SpawnedServer;

  it('refuses a second server on the same data directory, on another port, with one readable line and exit code 2', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'langomni-stop-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    server = await spawnServer({ DATA_DIR: dataDir, JWT_SECRET });
    cleanups.push(async () => {
      server.child.kill('SIGKILL');
      await server.exited;
    });

    const second = spawnMain({ DATA_DIR: dataDir, JWT_SECRET });
    expect(await second.exited).toBe(2);
    const lines = second.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`is in use: process ${server.child.pid} on `);
    expect(lines[0]).toContain('src/main.ts');
    expect(second.stderr()).not.toContain('EADDRINUSE');
  }, 120_000);

  it('on SIGTERM closes every socket with 1001 and its reason, and records both players leaving', async () => {
    const players = await Promise.all(
      ['ayla', 'bram'].map(async (name) => {
        const account = await register(server.baseUrl, `${name}${randomBytes(2).toString('hex')}`);
        const client = await GameClient.connect(server.baseUrl, account.token);
        await client.waitFor((f) => f.type === 'welcome');
        const closed = new Promise<{ code: number; reason: string }>((resolve) =>
          client.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
        );
        return { playerId: account.player_id, closed };
      }),
    );

    server.child.kill('SIGTERM');
    const closes = await Promise.all(players.map((p) => p.closed));
    expect(closes).toEqual([
      { code: 1001, reason: 'server shutting down' },
      { code: 1001, reason: 'server shutting down' },
    ]);
    expect(await server.exited).toBe(0);
    expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(false);

    const database = await openDatabase<EventStoreTables>({
      kind: 'pglite',
      dataDir: join(dataDir, 'pglite'),
    });
    const store = new SqlEventStore(database, { name: 'pglite', pollIntervalMs: 1000 }, () =>
      database.close(),
    );
    try {
      for (const { playerId } of players) {
        const types = (await store.readStream(`player-${playerId}`)).map((e) => e.type);
        expect(types.at(-1)).toBe('PlayerLeftWorld');
      }
    } finally {
      await store.close();
    }
  }, 120_000);
});
