import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.ts';
import { openDatabase } from './database.ts';

/** The pid of a process that has exited: its lock is stale. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid!;
}

function writeLock(dataDir: string, owner: Record<string, unknown>): void {
  writeFileSync(
    `${dataDir}.lock`,
    JSON.stringify({
      startedAt: '2026-01-01T00:00:00.000Z',
      command: 'node src/main.ts',
      token: 'old',
      ...owner,
    }),
  );
}

describe('the data directory lock', () => {
  let root: string;
  let dataDir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'langomni-lock-'));
    dataDir = join(root, 'pglite');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('names its owner, refuses a second holder while held, and frees the directory on release', () => {
    const first = lockDataDir(dataDir);
    const written = JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8'));
    expect(written).toMatchObject({ pid: process.pid, host: hostname(), token: first.owner.token });
    expect(written.command).toMatch(/^node /);
    expect(Date.parse(written.startedAt)).toBeLessThanOrEqual(Date.now());

    let refused: unknown;
    try {
      lockDataDir(dataDir);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as Error).message).toContain(`process ${process.pid} on ${hostname()}`);
    expect((refused as Error).message).toContain(`${dataDir}.lock`);

    first.release();
    first.release();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    lockDataDir(dataDir).release();
  });

  it('takes over the lock of a dead process on this host, and of an earlier process with its own pid', () => {
    writeLock(dataDir, { pid: deadPid(), host: hostname() });
    const taken = lockDataDir(dataDir);
    expect(JSON.parse(readFileSync(`${dataDir}.lock`, 'utf8')).token).toBe(taken.owner.token);
    taken.release();

    // A restarted container's server often has the same pid (1) as the one that died.
    writeLock(dataDir, { pid: process.pid, host: hostname() });
    lockDataDir(dataDir).release();
  });

  it('tells a live owner from a later process given the same pid, by its start time (Linux)', () => {
    const own = lockDataDir(dataDir);
    expect(own.owner.pidStartTicks).toBeGreaterThan(0);
    own.release();
    // process.ppid runs: with no start time to compare, the lock is its.
    writeLock(dataDir, { pid: process.ppid, host: hostname() });
    expect(() => lockDataDir(dataDir)).toThrow(`process ${process.ppid} on ${hostname()}`);
    // A start time that is not that process's: the owner died and its pid was given to another.
    writeLock(dataDir, { pid: process.ppid, host: hostname(), pidStartTicks: 1 });
    lockDataDir(dataDir).release();
  });

  it('refuses a lock held on another host (it cannot tell whether that process runs) and an unreadable one', () => {
    writeLock(dataDir, { pid: deadPid(), host: 'another-host' });
    expect(() => lockDataDir(dataDir)).toThrow(/on another-host.*delete the lock file/);
    writeFileSync(`${dataDir}.lock`, '{"pid":');
    expect(() => lockDataDir(dataDir)).toThrow(/lock file cannot be read/);
  });

  it('lets exactly one of several processes take over a stale lock at once', async () => {
    writeLock(dataDir, { pid: deadPid(), host: hostname() });
    const script = `
      const { lockDataDir } = await import(${JSON.stringify(new URL('./data-dir-lock.ts', import.meta.url).href)});
      try { lockDataDir(process.argv[1]); console.log('won'); } catch (e) { console.log(e.name); }
      process.stdin.resume();`;
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dataDir], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    try {
      const outcomes = await Promise.all(
        children.map(async (child) => {
          const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
          return chunk.toString().trim();
        }),
      );
      expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'DataDirLockedError')).toHaveLength(3);
    } finally {
      for (const child of children) child.stdin!.end();
      await Promise.all(children.map((child) => once(child, 'exit')));
    }
    // Every holder exited without closing: its lock went with it.
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, 60_000);

  it('is taken by the embedded database before it opens the directory, and released when it closes', async () => {
    const first = await openDatabase({ kind: 'pglite', dataDir });
    await expect(openDatabase({ kind: 'pglite', dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
    await first.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const reopened = await openDatabase({ kind: 'pglite', dataDir, ownThread: true });
    await expect(openDatabase({ kind: 'pglite', dataDir, ownThread: true })).rejects.toBeInstanceOf(
      DataDirLockedError,
    );
    await reopened.close();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, 120_000);
});
