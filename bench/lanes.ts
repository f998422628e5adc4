/**
 * LLM lanes under load, as a player feels them: the real server over the real pipeline, its LLM lanes
 * on simulated model servers at the seed's token rates, the optimizations of issue 13 on and off.
 *
 *   npm run -s bench -- lanes [--players 160,300] [--seconds 15] [--modes on,off] [--think-ms 5000]
 *                             [--world-instances 2] [--npc-instances 2] [--slots 4]
 *                             [--server-capacity 16] [--batch-penalty 0.1] [--optimizations all]
 *                             [--seed lanes-1]
 *
 * One JSON document on stdout (progress on stderr). For each players count and each mode (`on`:
 * INFERENCE_OPTIMIZATIONS=all, or what `--optimizations` says, e.g. `all,-speculation`; `off`: none),
 * one cold step: fresh simulated model servers, a fresh
 * server (src/main.ts as `npm start` ships it, in a child process, embedded default: PGlite and
 * in-process cache, its own data dir), fresh accounts registered through POST /auth/register, each
 * player on its own WebSocket from its own loopback address. The players act for `seconds`, then the
 * answers still owed are waited for. Latency runs from the action frame's send to its action_result
 * (or error); the source is the action_result's (llm, cache, semantic_cache, template, rules).
 *
 * Modelled:
 * - the whole pipeline: gateway, commands, event store, action processor, lanes, outcome feed, the
 *   game clock running as shipped (NPCs move, descriptions change with the hour and the weather);
 * - the model servers (bench/lanes/simulated-model-server.ts): OpenAI-compatible HTTP servers (and
 *   SGLang's /get_server_info), each request taking uncached prompt tokens / prompt rate + completion
 *   tokens / generation rate, slowed by the requests beside it; Llama 3 prompt tokens; a prefix cache
 *   of whole messages; at most `--server-capacity` requests running at once, the rest queued; an
 *   answer longer than its max_tokens cut there, mid-JSON, as a server cuts it;
 * - players (bench/lanes/player-model.ts): bursts of 2-4 actions at the per-player limit, think pauses
 *   (exponential, mean `--think-ms`), the look/move/talk/attack/take/say/inventory/quest mix, open
 *   loop (they send without waiting for answers), each choosing from where the server last told it it
 *   stands and from where NPCs are at this game hour.
 * Not modelled: real GPUs and real model output (the answers are filler text of the drawn length; the
 * world lane proposes the rules' own effects), the full stack (PostgreSQL, Redis, Qdrant, Ollama
 * embeddings), players on other machines (one client process over loopback), a warm server (every
 * step starts cold).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildWorld } from '../src/domain/world/world.ts';
import { countTextTokens } from '../src/gpu/prompts/testing/prompt-tokens.ts';
import { ACTIVITY, GREETING_SHARE, MIX, PLAYER, WorldMap } from './lanes/player-model.ts';
import { type Comparison, compare, type StepResult, stepResult, TARGET } from './lanes/report.ts';
import { benchEmbedder, evaluateSemanticPairs } from './lanes/semantic-pairs.ts';
import { type Mode, runStep, SIMULATED_MODELS, type StepOptions } from './lanes/step.ts';
import { describeMachine, type Machine } from './machine.ts';
import { Cleanup, note, REPO_ROOT } from './pipeline/server.ts';

const WORLD_FILE = 'content/starter-world.json';

/** A step's options, with every player count and mode to run. */
type Options = Omit<StepOptions, 'players' | 'mode'> & { players: number[]; modes: Mode[] };

export interface LanesBenchResult {
  benchmark: 'lanes';
  machine: Machine;
  config: Record<string, unknown>;
  differences_from_production: string[];
  results: StepResult[];
  comparisons: Comparison[];
  semantic_pairs: unknown;
  seconds: number;
}

export async function run(args: readonly string[]): Promise<LanesBenchResult> {
  const options = parseOptions(args);
  const started = performance.now();
  const world = buildWorld(JSON.parse(readFileSync(join(REPO_ROOT, WORLD_FILE), 'utf8')));
  // The tokenizer's vocabulary loads once, here rather than in the middle of the first step.
  countTextTokens('warm up');
  const map = new WorldMap(world);
  const results: StepResult[] = [];
  const comparisons: Comparison[] = [];
  // One for the run: a step's server, model servers and data dir go at its end, or on Ctrl-C.
  const cleanup = new Cleanup().onSignals();
  for (const players of options.players) {
    const byMode = new Map<Mode, StepResult>();
    for (const mode of options.modes) {
      const step: StepOptions = { ...options, players, mode };
      const result = stepResult(step, await runStep(step, map, cleanup));
      byMode.set(mode, result);
      results.push(result);
      note(
        `lanes: ${players} players, optimizations ${mode}: ${result.actions} actions, ${result.throughput_per_s}/s; ` +
          `model-written ${result.model_answers_per_s}/s (fresh llm ${result.fresh_llm_per_s}/s), ` +
          `P95 all ${result.latency_ms.all.p95} ms, model-written ${result.latency_ms.model_written.p95} ms; ` +
          `sources ${JSON.stringify(result.sources)}; server CPU ${result.setup.server_cpu_per_s}/s, load average ${result.setup.load_average_1m}`,
      );
    }
    const [on, off] = [byMode.get('on'), byMode.get('off')];
    if (on && off) comparisons.push(compare(on, off));
  }
  return {
    benchmark: 'lanes',
    machine: await describeMachine(),
    config: describeConfig(options, world.content.version, world.locations.size),
    differences_from_production: DIFFERENCES(options),
    results,
    comparisons,
    semantic_pairs: await semanticPairs(),
    seconds: Math.round((performance.now() - started) / 1000),
  };
}

/**
 * The semantic cache's hit and false-hit rates over the labelled request pairs the benchmark ships
 * (bench/lanes/semantic-pairs.ts), with the embedder the server would use here (the local one unless
 * OLLAMA_EMBED_HOST is set).
 */
async function semanticPairs(): Promise<unknown> {
  try {
    return await evaluateSemanticPairs(benchEmbedder());
  } catch (error) {
    return { note: `not measured: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}

function DIFFERENCES(options: Options): string[] {
  return [
    `simulated model servers in the benchmark's own process (node:http on loopback), not GPUs: ${options.worldInstances} world and ${options.npcInstances} NPC instances at the seed's token rates, answers of the drawn length made of filler words`,
    'the embedded default as `npm start` ships it (PGlite, in-process cache and NPC memory with the local hashing embedder), not PostgreSQL, Redis, Qdrant and Ollama embeddings',
    'all players in one client process on the same machine as the server, over loopback (each from its own 127.x address)',
    `every step starts cold: fresh server, data dir, accounts, caches and prefix caches; ${options.seconds} s is short of a warmed-up server`,
    'scripted players (the mix, bursts and think pauses above); a new account each, at the start location',
    'PASSWORD_HASH_MEMORY_KIB=1024 (cheaper password hashing for registration), as in the pipeline benchmark',
    'the machine is shared with other work: figures are noisy',
  ];
}

function describeConfig(options: Options, version: string, locations: number): Record<string, unknown> {
  return {
    world: `${WORLD_FILE} (version ${version}, ${locations} locations)`,
    players: options.players,
    seconds_per_step: options.seconds,
    modes: options.modes.map(
      (m) => `${m}: INFERENCE_OPTIMIZATIONS=${m === 'on' ? options.optimizations : 'none'}`,
    ),
    server: `src/main.ts in a child process, WORLD_SLOTS=NPC_SLOTS=${options.slots}, the game clock running`,
    latency:
      'from the action frame’s send to its action_result or error; model-written = llm + cache + semantic_cache',
    player_model: {
      burst_actions: PLAYER.burstActions,
      action_interval_ms: PLAYER.actionIntervalMs,
      think_pause_ms: `exponential, mean ${options.thinkMs}, clamped to [${PLAYER.thinkMs.min}, ${PLAYER.thinkMs.max}]`,
      mix_weights_when_idle: MIX,
      activities: ACTIVITY,
      talk: `${GREETING_SHARE * 100}% a bare greeting, else "What can you tell me about <one of the NPC's topics>?"`,
      open_loop: 'players send without waiting for answers',
    },
    model_servers: {
      world: { instances: options.worldInstances, ...SIMULATED_MODELS.world },
      npc: { instances: options.npcInstances, ...SIMULATED_MODELS.npc },
      max_running_requests: options.serverCapacity,
      request_time:
        'uncached prompt tokens / prompt rate + completion tokens / generation rate, rates drawn per request',
      max_tokens:
        'the model does not know it: an answer drawn longer is cut there, mid-JSON (finish_reason length), and fails the schema',
      prompt_tokens: 'Llama 3 tokenizer through its chat template (src/gpu/prompts/testing/prompt-tokens.ts)',
      prefix_cache:
        'the longest prefix of whole messages the instance processed before costs nothing (LRU of 400)',
      batching: `each running request advances at 1/(1 + batchPenalty·(active − 1)) of its rate${options.batchPenalty === undefined ? '' : `; batchPenalty ${options.batchPenalty} (--batch-penalty)`}`,
    },
    target: {
      model_answers_gain_at_least: TARGET.modelAnswersGainAtLeast,
      fresh_llm_per_s: 'not lower with the optimizations on',
      model_written_p95_ms_at_most: TARGET.modelWrittenP95MsAtMost,
    },
    seed: options.seed,
  };
}

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      players: { type: 'string', default: '160,300' },
      seconds: { type: 'string', default: '15' },
      modes: { type: 'string', default: 'on,off' },
      'think-ms': { type: 'string', default: String(PLAYER.thinkMs.mean) },
      'world-instances': { type: 'string', default: '2' },
      'npc-instances': { type: 'string', default: '2' },
      slots: { type: 'string', default: '4' },
      'server-capacity': { type: 'string', default: '16' },
      'batch-penalty': { type: 'string' },
      optimizations: { type: 'string', default: 'all' },
      seed: { type: 'string', default: 'lanes-1' },
    },
    strict: true,
  });
  const positive = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`--${name} must be a positive number, got ${text}`);
    return value;
  };
  const nonNegative = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0, got ${text}`);
    return value;
  };
  const whole = (name: string, text: string) => {
    const value = positive(name, text);
    if (!Number.isInteger(value)) throw new Error(`--${name} must be a whole number, got ${text}`);
    return value;
  };
  const modes = values.modes.split(',').map((m) => m.trim());
  for (const mode of modes)
    if (mode !== 'on' && mode !== 'off') throw new Error(`--modes takes on and off, got ${mode}`);
  return {
    players: values.players.split(',').map((n) => whole('players', n.trim())),
    seconds: positive('seconds', values.seconds),
    modes: [...new Set(modes as Mode[])],
    thinkMs: positive('think-ms', values['think-ms']),
    worldInstances: whole('world-instances', values['world-instances']),
    npcInstances: whole('npc-instances', values['npc-instances']),
    slots: whole('slots', values.slots),
    serverCapacity: whole('server-capacity', values['server-capacity']),
    ...(values['batch-penalty'] === undefined
      ? {}
      : { batchPenalty: nonNegative('batch-penalty', values['batch-penalty']) }),
    optimizations: values.optimizations,
    seed: values.seed,
  };
}
