import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * A fresh PGlite data directory is a copy of an initdb'd template instead of a new initdb.
 *
 * PGlite's initdb takes seconds and, run in the server process, leaves it hundreds of MB larger for
 * its whole life (a second WASM instance whose memory the process keeps). The template is made once
 * per machine and PGlite version, by initdb in a child process (its memory leaves with it), and kept
 * in the user's cache directory; later fresh data directories copy it (well under a second).
 */

const execFileAsync = promisify(execFile);

/** How long the child's initdb may take before the server gives up and runs initdb itself. */
const TEMPLATE_INITDB_TIMEOUT_MS = 120_000;

/** Runs in the child: initdb into the directory in argv[2], close cleanly (a checkpoint), exit. */
const INITDB_CHILD_SCRIPT = `
const { PGlite } = await import(process.argv[1]);
const engine = new PGlite(process.argv[2]);
await engine.waitReady;
await engine.close();
`;

export function pgliteVersion(): string {
  const packageJson = join(pglitePackageDir(), 'package.json');
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

function pgliteEntryUrl(): string {
  return import.meta.resolve('@electric-sql/pglite');
}

function pglitePackageDir(): string {
  // .../node_modules/@electric-sql/pglite/dist/index.js → .../node_modules/@electric-sql/pglite
  return dirname(dirname(fileURLToPath(pgliteEntryUrl())));
}

/** `$XDG_CACHE_HOME/langomni` or `~/.cache/langomni`: survives deleting a data directory. */
export function defaultTemplateCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'langomni');
}

export function isInitializedDataDir(dir: string): boolean {
  return existsSync(join(dir, 'PG_VERSION'));
}

function isMissingOrEmpty(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/**
 * Makes the template (once) and returns its directory; undefined when it cannot be made here (e.g. a
 * read-only cache directory) — the caller then lets PGlite run initdb as before.
 */
export async function ensurePgliteTemplate(
  cacheDir: string = defaultTemplateCacheDir(),
): Promise<string | undefined> {
  const template = join(cacheDir, `pglite-${pgliteVersion()}-initdb`);
  if (isInitializedDataDir(template)) return template;
  const building = `${template}.building-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(building, { recursive: true });
    await execFileAsync(
      process.execPath,
      ['--input-type=module', '-e', INITDB_CHILD_SCRIPT, pgliteEntryUrl(), building],
      { timeout: TEMPLATE_INITDB_TIMEOUT_MS },
    );
    if (!isInitializedDataDir(building)) return undefined;
    try {
      renameSync(building, template);
    } catch (error) {
      // Another process finished its template first: theirs is as good as ours.
      if (!isInitializedDataDir(template)) throw error;
    }
    return template;
  } catch {
    return undefined;
  } finally {
    removeQuietly(building);
  }
}

/**
 * Gives a missing or empty data directory the template's contents. The copy lands under a temporary
 * name and is renamed into place, so a crash mid-copy never leaves a half-made database behind.
 * Returns whether it did; an existing database (or a directory with other contents) is left alone.
 */
export async function seedDataDirFromTemplate(
  dataDir: string,
  cacheDir: string = defaultTemplateCacheDir(),
): Promise<boolean> {
  if (!isMissingOrEmpty(dataDir)) return false;
  const template = await ensurePgliteTemplate(cacheDir);
  if (!template) return false;
  const partial = `${dataDir}.partial-${process.pid}`;
  try {
    removeQuietly(partial);
    mkdirSync(dirname(dataDir), { recursive: true });
    cpSync(template, partial, { recursive: true });
    if (existsSync(dataDir)) rmSync(dataDir, { recursive: true }); // empty, checked above
    renameSync(partial, dataDir);
    return true;
  } catch {
    return false;
  } finally {
    removeQuietly(partial);
  }
}

/** Clean-up of a temporary directory that may not exist or may sit where nothing can be written. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {}
}
