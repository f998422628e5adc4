import v8 from 'node:v8';
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

/**
 * Compiles WebAssembly with V8's baseline compiler only. PGlite's engine is 9 MB of WASM; the
 * optimizing tier recompiles its hot functions in the background, which costs start-up CPU and
 * about 50-70 MB of resident memory for no measurable gain here (appends and reads are dominated by
 * the JS bridge and the file system: a 10,000-append run took within 5 % either way). A process-wide
 * V8 flag: call it before the first PGlite is created, i.e. at the process's start.
 */
export function compileWasmWithBaselineTierOnly(): void {
  v8.setFlagsFromString('--liftoff-only');
}
