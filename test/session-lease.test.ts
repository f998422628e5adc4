import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, testServices, uniqueSchema } from '../src/infrastructure/testing/services.ts';
import { GameClient, register } from './support/game-client.ts';
import { spawnServer } from './support/spawn-server.ts';
import { startTestSystem } from './support/start-test-system.ts';

const LEASE_TTL_MS = 2_000;
/** A killed process's players are kept this long after its lease ran out (30 s in production). */
const RECONNECT_GRACE_MS = 1_000;
const JWT_SECRET = randomBytes(24).toString('hex');

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

const modes = [
  { name: 'embedded', postgresUrl: undefined as string | undefined },
  ...(testServices.postgres.url ? [{ name: 'PostgreSQL', postgresUrl: testServices.postgres.url }] : []),
];

describe.each(modes)('a session ends when its process dies ($name)', ({ postgresUrl }) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  });

  it('a killed process leaves no player online forever: its sessions end once its lease runs out', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'langomni-lease-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const schema = postgresUrl ? uniqueSchema('lease') : undefined;
    if (postgresUrl && schema) cleanups.push(() => dropSchema(postgresUrl, schema));
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      PROCESS_LEASE_TTL_MS: String(LEASE_TTL_MS),
      RECONNECT_GRACE_MS: String(RECONNECT_GRACE_MS),
      ...(postgresUrl && schema ? { DATABASE_URL: postgresUrl, DATABASE_SCHEMA: schema } : {}),
    };

    // The real server in a child process, so that it can be killed as a crash would kill it.
    const { child, baseUrl } = await spawnServer({ JWT_SECRET, ...env });
    cleanups.push(() => kill(child));
    const ayla = await register(baseUrl, `ayla${randomBytes(2).toString('hex')}`);
    const client = await GameClient.connect(baseUrl, ayla.token);
    await client.waitFor((f) => f.type === 'welcome');
    await kill(child);

    // Another process on the same data (the embedded database serves one process at a time, so
    // there the restarted server is the other process).
    const other = await startTestSystem({
      ...(postgresUrl && schema ? { postgresUrl, schema } : {}),
      dataDir,
      env: {
        PROCESS_LEASE_TTL_MS: String(LEASE_TTL_MS),
        RECONNECT_GRACE_MS: String(RECONNECT_GRACE_MS),
        JWT_SECRET,
      },
    });
    cleanups.push(() => other.stop());
    const playerStream = `player-${ayla.player_id}`;
    const left = async () =>
      (await other.system.store.readStream(playerStream)).some((e) => e.type === 'PlayerLeftWorld');
    // Killed with SIGKILL, the first process could not say goodbye: only a reaper ends the session
    // (at once where the restarted server is the only process, the embedded database; once the lease
    // has run out on a shared PostgreSQL).
    expect(await until(left, (LEASE_TTL_MS + RECONNECT_GRACE_MS) * 4)).toBe(true);

    // A player who looks around there sees nobody left behind.
    const bob = await register(other.baseUrl, `bob${randomBytes(2).toString('hex')}`);
    const watcher = await GameClient.connect(other.baseUrl, bob.token);
    const welcome = await watcher.waitFor((f) => f.type === 'welcome');
    expect((welcome.location as { players: string[] }).players).not.toContain(ayla.player_id);
    expect(JSON.stringify(welcome.location)).not.toContain('ayla');
    await watcher.close();
  });
});
