import { processIo } from './io.ts';
import { runCli } from './run.ts';

// The `langomni` command (bin/langomni.mjs runs this file with tsx). See usage.ts.
process.exitCode = await runCli(process.argv.slice(2), processIo());
