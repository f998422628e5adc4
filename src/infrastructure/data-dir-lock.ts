import { randomUUID } from 'node:crypto';
import {
  linkSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname } from 'node:path';

/** Who holds a data directory: written in its lock file for the next process (and the operator) to read. */
export interface LockOwner {
  pid: number;
  host: string;
  /** When the owning process started (ISO 8601). */
  startedAt: string;
  /** The program and its subcommand, never its other arguments (they may hold secrets). */
  command: string;
  /** Unique per lock taken: tells this lock from an earlier one of the same pid. */
  token: string;
  /** The kernel's start time of the owning process (Linux): a later process given the same pid differs. */
  pidStartTicks?: number;
}

/** The data directory is held by another live process (or one on another host, which cannot be checked). */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    readonly owner: LockOwner | undefined,
    reason: string,
  ) {
    super(
      `the data directory ${dataDir} is in use: ${reason}. One process at a time may open it: stop that ` +
        `process first, or give this one another DATA_DIR (or DATABASE_URL for a shared PostgreSQL). ` +
        `Lock file: ${lockFile}`,
    );
  }
}

export interface DataDirLock {
  readonly lockFile: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still this lock's; safe to call more than once. */
  release(): void;
}

/** A takeover guard older than this was left by a process that died in the middle of one (they take µs). */
const ABANDONED_GUARD_MS = 10_000;
const TAKEOVER_ATTEMPTS = 50;
const TAKEOVER_PAUSE_MS = 10;

/** The tokens of the locks this process holds: a lock of this pid with another token is a dead predecessor's. */
const heldHere = new Set<string>();

/**
 * Takes `<dataDir>.lock` for this process, or throws DataDirLockedError naming its owner.
 *
 * The lock file appears complete or not at all (written aside, then hard-linked into place, which
 * fails if it exists). A lock whose owner is a dead process on this host is stale and taken over;
 * only the holder of the `.takeover` guard directory may remove a lock file, after checking it is
 * still the stale one it read, so two processes taking over at once cannot both win. The lock is
 * also released when the process exits without closing (process.exit); after a crash it is stale.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockFile = `${dataDir}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true });
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date(Date.now() - process.uptime() * 1000).toISOString(),
    command: describeCommand(),
    token: randomUUID(),
  };
  const ticks = processStartTicks(process.pid);
  if (ticks !== undefined) owner.pidStartTicks = ticks;
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    if (tryCreate(lockFile, owner)) return held(lockFile, owner);
    const current = readOwner(lockFile);
    if (current === 'missing') continue;
    if (current === 'unreadable')
      throw new DataDirLockedError(dataDir, lockFile, undefined, 'its lock file cannot be read');
    if (current.host !== owner.host)
      throw new DataDirLockedError(
        dataDir,
        lockFile,
        current,
        `${describeOwner(current)}; this host (${owner.host}) cannot tell whether that process still ` +
          'runs: if it does not, delete the lock file',
      );
    if (isAlive(current)) throw new DataDirLockedError(dataDir, lockFile, current, describeOwner(current));
    if (!removeIfStill(lockFile, current)) pause(TAKEOVER_PAUSE_MS);
  }
  throw new DataDirLockedError(dataDir, lockFile, undefined, 'other processes keep taking its lock');
}

function held(lockFile: string, owner: LockOwner): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    heldHere.delete(owner.token);
    const current = readOwner(lockFile);
    if (typeof current === 'object' && current.token === owner.token) unlinkSync(lockFile);
  };
  heldHere.add(owner.token);
  process.on('exit', release);
  return { lockFile, owner, release };
}

function tryCreate(lockFile: string, owner: LockOwner): boolean {
  const aside = `${lockFile}.${owner.token}`;
  writeFileSync(aside, `${JSON.stringify(owner, null, 2)}\n`);
  try {
    linkSync(aside, lockFile);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(aside, { force: true });
  }
}

function readOwner(lockFile: string): LockOwner | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    return 'unreadable';
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string' || typeof parsed.token !== 'string')
      return 'unreadable';
    return parsed as LockOwner;
  } catch {
    return 'unreadable';
  }
}

/**
 * Removes the lock file if it still holds `stale`, under the takeover guard; false when another
 * process holds the guard (it is taking over: the next attempt sees its lock).
 */
function removeIfStill(lockFile: string, stale: LockOwner): boolean {
  const guard = `${lockFile}.takeover`;
  try {
    mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    removeAbandonedGuard(guard);
    return false;
  }
  try {
    const current = readOwner(lockFile);
    if (typeof current === 'object' && current.token === stale.token) unlinkSync(lockFile);
    return true;
  } finally {
    rmdirSync(guard);
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function removeAbandonedGuard(guard: string): void {
  try {
    if (Date.now() - statSync(guard).mtimeMs > ABANDONED_GUARD_MS) rmdirSync(guard);
  } catch {
    // Gone already, or removed by another process: either way the next attempt sees.
  }
}

function isAlive({ pid, token, pidStartTicks }: LockOwner): boolean {
  // The same pid as this process's (a restarted container's first process): alive only if the lock is ours.
  if (pid === process.pid) return heldHere.has(token);
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists, owned by another user.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // A process runs with that pid; it is the owner unless the kernel says it started at another time.
  const ticks = pidStartTicks === undefined ? undefined : processStartTicks(pid);
  return ticks === undefined || ticks === pidStartTicks;
}

/** Field 22 of /proc/<pid>/stat (clock ticks after boot); undefined where there is no /proc. */
function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isSafeInteger(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function describeOwner(owner: LockOwner): string {
  return `process ${owner.pid} on ${owner.host}, started ${owner.startedAt} (${owner.command}), holds it`;
}

function describeCommand(): string {
  const [script, subcommand] = process.argv.slice(1);
  return [
    basename(process.execPath),
    ...(script ? [script] : []),
    ...(subcommand && /^[a-z][a-z-]*$/.test(subcommand) ? [subcommand] : []),
  ].join(' ');
}
