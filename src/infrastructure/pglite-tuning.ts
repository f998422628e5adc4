import { PGlite } from '@electric-sql/pglite';

/**
 * PostgreSQL settings for the embedded engine, added to PGlite's own start parameters.
 *
 * PGlite's shared_buffers default (128 MB) lives in the WASM memory and, once touched, in the
 * process's resident set; the embedded default serves one process's game state, whose tables fit
 * many times over in 16 MB (the OS page cache still holds the files). Durability is not touched:
 * PGlite already runs with fsync off (`-F`), so every commit's WAL is written to the file (surviving
 * `kill -9`) but not flushed to the disk (an OS crash or power loss can lose the last commits).
 */
export const EMBEDDED_POSTGRES_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
};

export function embeddedStartParams(
  settings: Readonly<Record<string, string>> = EMBEDDED_POSTGRES_SETTINGS,
): string[] {
  const extra = Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  return [...PGlite.defaultStartParams, ...extra];
}
