import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { registerAccounts, SourceAddresses } from '../pipeline/accounts.ts';
import {
  backingServices,
  type Cleanup,
  freePort,
  newDeployment,
  note,
  REPO_ROOT,
  ServerProcess,
  withTimeout,
} from '../pipeline/server.ts';
import type { WorldMap } from './player-model.ts';
import { type ActionRecord, LanePlayers } from './players.ts';
import {
  type SimulatedModelOptions,
  SimulatedModelServer,
  type SimulatedModelStats,
} from './simulated-model-server.ts';

/** The seed's token rates: a big model on the world lane, a small one on the NPC lane. */
export const SIMULATED_MODELS: Record<'world' | 'npc', Omit<SimulatedModelOptions, 'maxRunningRequests'>> = {
  world: {
    model: 'simulated-big (the seed: 70B class)',
    generationTokensPerSecond: [15, 25],
    promptTokensPerSecond: [500, 1000],
    completionTokens: { world_outcome: [40, 90] },
    otherCompletionTokens: [20, 60],
    batchPenalty: 0.1,
  },
  npc: {
    model: 'simulated-small (the seed: 8B class)',
    generationTokensPerSecond: [30, 40],
    promptTokensPerSecond: [500, 1000],
    completionTokens: {
      npc_reply: [30, 70],
      enemy_taunt: [10, 20],
      npc_conversation: [60, 150],
      command_actions: [20, 60],
    },
    otherCompletionTokens: [20, 60],
    batchPenalty: 0.1,
  },
};

export type Mode = 'on' | 'off';

export interface StepOptions {
  players: number;
  mode: Mode;
  seconds: number;
  thinkMs: number;
  worldInstances: number;
  npcInstances: number;
  slots: number;
  /** max_running_requests each simulated server reports (and keeps to). */
  serverCapacity: number;
  /** The simulated servers' slow-down per extra request running at once (SIMULATED_MODELS' unless told). */
  batchPenalty?: number;
  /** INFERENCE_OPTIMIZATIONS in mode `on` (`all` unless told). */
  optimizations: string;
  seed: string;
}

export interface StepRaw {
  records: ActionRecord[];
  windowSeconds: number;
  models: Record<'world' | 'npc', Record<string, SimulatedModelStats>>;
  health: unknown;
  metrics: Record<string, Record<string, number>>;
  settings: Record<string, string>;
  setup: {
    healthy_ms: number;
    register_s: number;
    connect_s: number;
    world_urls_setting: string;
    /** The machine's 1-minute load average at the end of the window (it is shared: the figures' noise). */
    load_average_1m: number;
    /** CPU the server process used during the window (user + system), per second of the window. */
    server_cpu_per_s: number | null;
    inference_optimizations: string;
  };
  unexpectedFrames: number;
  eventLoopDelayMs: { p99: number; max: number };
}

/**
 * One cold step: fresh simulated model servers, a fresh server (src/main.ts as `npm start` ships it,
 * embedded default, its own data dir) pointed at them, fresh accounts; the players act for
 * `seconds`, then everything is stopped (through `cleanup`, which also runs on SIGINT/SIGTERM).
 */
export async function runStep(options: StepOptions, map: WorldMap, cleanup: Cleanup): Promise<StepRaw> {
  const seed = `${options.seed}/${options.players}/${options.mode}`;
  const started = (lane: 'world' | 'npc', count: number) =>
    Array.from(
      { length: count },
      (_, i) =>
        new SimulatedModelServer(
          `${lane}-${i + 1}`,
          {
            ...SIMULATED_MODELS[lane],
            maxRunningRequests: options.serverCapacity,
            ...(options.batchPenalty === undefined ? {} : { batchPenalty: options.batchPenalty }),
          },
          `${seed}/${lane}-${i + 1}`,
        ),
    );
  const models = {
    world: started('world', options.worldInstances),
    npc: started('npc', options.npcInstances),
  };
  try {
    for (const server of [...models.world, ...models.npc]) {
      await server.start();
      cleanup.add(`stop ${server.name}`, () => server.close());
    }
    const worldUrls = models.world.map((s) => s.url);
    const worldSetting = worldUrlsSetting(worldUrls);
    const metricsPort = await freePort();
    const deployment = newDeployment('embedded', backingServices(), cleanup);
    deployment.env = {
      ...deployment.env,
      ...worldSetting.env,
      OPENAI_NPC_URLS: models.npc.map((s) => s.url).join(','),
      WORLD_SLOTS: String(options.slots),
      NPC_SLOTS: String(options.slots),
      INFERENCE_OPTIMIZATIONS: options.mode === 'on' ? options.optimizations : 'none',
      METRICS_PORT: String(metricsPort),
    };
    const server = await ServerProcess.spawn('embedded', backingServices(), cleanup, deployment);
    const healthyMs = await server.waitHealthy();

    const addresses = new SourceAddresses();
    const registered = await registerAccounts(
      server.baseUrl,
      Array.from({ length: options.players }, (_, i) => `lanes${i}`),
      addresses.registration,
      addresses.take(options.players),
    );
    const connectStarted = performance.now();
    const players = await LanePlayers.connect(server.baseUrl, registered.accounts, map, seed);
    cleanup.add('close the players', () => players.close());
    const connectSeconds = (performance.now() - connectStarted) / 1000;
    note(
      `lanes: ${options.players} players, optimizations ${options.mode}: healthy in ${Math.round(healthyMs)} ms, ` +
        `registered in ${registered.seconds.toFixed(1)} s, connected in ${connectSeconds.toFixed(1)} s; playing`,
    );

    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    // The lanes as /health shows them near the end of the window, while the load is on.
    let health: unknown;
    const healthTimer = setTimeout(
      () => {
        void getJson(`${server.baseUrl}/health`).then((body) => {
          health = (body as { components?: { lanes?: unknown } } | undefined)?.components?.lanes ?? body;
        });
      },
      Math.max(0, options.seconds * 1000 - 1_000),
    );
    const cpuBefore = cpuSeconds(server.pid);
    const { records, windowSeconds } = await players.play(options.seconds, options.thinkMs);
    const cpuAfter = cpuSeconds(server.pid);
    const loadAverage = os.loadavg()[0]!;
    clearTimeout(healthTimer);
    loopDelay.disable();
    server.assertRunning();
    const metrics = parseMetrics(await getText(`http://127.0.0.1:${metricsPort}/metrics`));
    return {
      records,
      windowSeconds,
      models: {
        world: Object.fromEntries(models.world.map((s) => [s.name, s.stats()])),
        npc: Object.fromEntries(models.npc.map((s) => [s.name, s.stats()])),
      },
      health,
      metrics,
      settings: server.settings,
      setup: {
        healthy_ms: Math.round(healthyMs),
        register_s: Math.round(registered.seconds * 10) / 10,
        connect_s: Math.round(connectSeconds * 10) / 10,
        world_urls_setting: worldSetting.note,
        load_average_1m: Math.round(loadAverage * 10) / 10,
        server_cpu_per_s:
          cpuBefore === undefined || cpuAfter === undefined
            ? null
            : Math.round(((cpuAfter - cpuBefore) / windowSeconds) * 100) / 100,
        inference_optimizations: deployment.env['INFERENCE_OPTIMIZATIONS']!,
      },
      unexpectedFrames: players.unexpectedFrames,
      eventLoopDelayMs: {
        p99: Math.round(loopDelay.percentile(99) / 1e5) / 10,
        max: Math.round(loopDelay.max / 1e5) / 10,
      },
    };
  } finally {
    await withTimeout(cleanup.run(), 60_000).catch((error: unknown) =>
      note(`lanes: cleanup: ${String(error)}`),
    );
  }
}

/**
 * OPENAI_WORLD_URLS (several world instances, region sharding) when this server knows the setting;
 * otherwise OPENAI_WORLD_URL with the first instance only, and the step says so.
 */
function worldUrlsSetting(urls: string[]): { env: Record<string, string>; note: string } {
  const config = readFileSync(join(REPO_ROOT, 'src', 'config.ts'), 'utf8');
  if (config.includes('OPENAI_WORLD_URLS'))
    return {
      env: { OPENAI_WORLD_URLS: urls.join(',') },
      note: `OPENAI_WORLD_URLS: ${urls.length} instances`,
    };
  return {
    env: { OPENAI_WORLD_URL: urls[0]! },
    note: 'OPENAI_WORLD_URL: the server has no OPENAI_WORLD_URLS setting yet, so one world instance only',
  };
}

/** The counters of interest (speculation, prefetches, caches, fallbacks) from Prometheus text. */
export function parseMetrics(text: string | undefined): Record<string, Record<string, number>> {
  const wanted = /speculat|prefetch|cache|fallback|semantic|tokens_total/;
  const metrics: Record<string, Record<string, number>> = {};
  for (const line of (text ?? '').split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!match || !wanted.test(match[1]!) || match[1]!.endsWith('_bucket')) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    metrics[match[1]!] ??= {};
    metrics[match[1]!]![match[2] ?? '{}'] = value;
  }
  return metrics;
}

async function getText(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return await response.text();
  } catch {
    return undefined;
  }
}

async function getJson(url: string): Promise<unknown> {
  const text = await getText(url);
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/** User + system CPU seconds of a process so far (Linux /proc; undefined elsewhere). */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name (in parentheses, may hold spaces): fields 14 and 15 are utime and stime.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** USER_HZ of Linux on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
