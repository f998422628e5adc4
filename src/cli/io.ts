import type { Writable } from 'node:stream';

/** Where a command reads its settings and writes its output: the process's, or a test's. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** How often `projections rebuild` asks for progress. */
  pollIntervalMs?: number;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}
