import { ConfigError } from '../config.ts';
import type { CliIo } from './io.ts';
import { USAGE, UsageError } from './usage.ts';

/** Runs one `langomni` command line; returns the exit code (0 done, 1 failed, 2 wrong usage). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h' || rest.includes('--help')) {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    switch (command) {
      // Loaded on demand: the store adapters take a while to import, and `projections` needs none.
      case 'replay':
        return await (await import('./read-commands.ts')).replay(rest, io);
      case 'state':
        return await (await import('./read-commands.ts')).state(rest, io);
      case 'projections':
        return await (await import('./projections.ts')).projections(rest, io);
      default:
        throw new UsageError(command === undefined ? 'no command given' : `unknown command: ${command}`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError || error instanceof ConfigError || isParseArgsError(error)) {
      io.stderr.write(`langomni: ${message}\nRun "langomni help" for the usage.\n`);
      return 2;
    }
    io.stderr.write(`langomni: ${message}\n`);
    return 1;
  }
}

/** node:util parseArgs refuses unknown flags and missing values with these codes. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
