/**
 * Benchmark dispatcher: `tsx bench/run.ts <name> [--flags]` (or `npm run bench -- <name> [--flags]`).
 *
 * Runs the exported `run(args)` of bench/<name>.ts with the remaining arguments. Whatever `run`
 * resolves to (other than undefined) is printed on stdout as one JSON document; progress notes
 * belong on stderr. To add a benchmark, add an entry to `benchmarks`.
 */

export interface Benchmark {
  run(args: readonly string[]): Promise<unknown>;
}

const benchmarks = new Map<string, { description: string; load: () => Promise<Benchmark> }>([
  [
    'eventstore',
    {
      description: 'SqlEventStore vs Emmett on PostgreSQL: appends/s (single, batch) and readAll/s',
      load: () => import('./eventstore.ts'),
    },
  ],
  [
    'rebuild',
    {
      description:
        'Read models rebuilt from zero (PostgreSQL + Redis hot state) over a realistic 1M-event log',
      load: () => import('./rebuild.ts'),
    },
  ],
  [
    'lanes',
    {
      description:
        'LLM lanes as players feel them: the real server over the protocol on simulated model servers, optimizations on and off',
      load: () => import('./lanes.ts'),
    },
  ],
  [
    'semantic-cache',
    {
      description:
        "The semantic cache's hit and false-hit rates over the shipped labelled request pairs (Ollama's embedder when OLLAMA_EMBED_HOST is set)",
      load: () => import('./lanes/semantic-pairs.ts'),
    },
  ],
  [
    'npc-variety',
    {
      description:
        "The rule engine's NPC replies over the real protocol: exact repeats and most common opening, over a shipped question set",
      load: () => import('./npc-variety.ts'),
    },
  ],
  [
    'pipeline',
    {
      description:
        'The real server in a child process under players in client processes: latency from the schedule, capacity, overload, storms',
      load: () => import('./pipeline.ts'),
    },
  ],
]);

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  const benchmark = name === undefined ? undefined : benchmarks.get(name);
  if (!benchmark) {
    if (name !== undefined) console.error(`unknown benchmark: ${name}`);
    console.error('usage: npm run bench -- <name> [--flags]\n\nbenchmarks:');
    for (const [known, { description }] of benchmarks) {
      console.error(`  ${known.padEnd(12)} ${description}`);
    }
    return 1;
  }
  const result = await (await benchmark.load()).run(args);
  if (result !== undefined) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
