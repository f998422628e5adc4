import { setTimeout as sleep } from 'node:timers/promises';
import { type BroadcastReport, type PlayReport, wallNow } from './ipc.ts';
import {
  closePlayers,
  connectPlayers,
  INTERVAL_MS,
  NO_ANSWER_AFTER_MS,
  newPlayers,
  type RunContext,
} from './load-step.ts';
import { ResourceSampler, readProcess, TICKS_PER_SECOND } from './resources.ts';
import { type Backing, Cleanup, type Mode, note, ServerProcess } from './server.ts';
import { percentiles, round, Samples, stepFigures } from './stats.ts';

const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

/** Wall-clock ms every process shares; sleeps until then. */
async function until(at: number): Promise<void> {
  await sleep(Math.max(0, at - wallNow()));
}

/**
 * `players` connect at once (each from its own address) while `background` players keep playing at
 * 4 actions/s: welcomes within 10 s, time to the last one, and the background players' latency before,
 * during and after.
 */
export async function stormScenario(
  context: RunContext,
  stormPlayers: number,
  backgroundPlayers: number,
): Promise<Record<string, unknown>> {
  const WINDOW_MS = 10_000;
  const BEFORE_MS = 5_000;
  const AFTER_MS = 5_000;
  const background = await newPlayers(context, backgroundPlayers, true);
  const storm = await newPlayers(context, stormPlayers, false);
  const backgroundConnect = await connectPlayers(context, background, {
    perSecondTotal: Math.max(50, Math.ceil(backgroundPlayers / 5)),
  });
  note(`storm: ${backgroundConnect.connected} background players playing; storm of ${stormPlayers} follows`);
  const warmupMs = context.warmupSeconds * 1000;
  const startAt = wallNow() + 300;
  const measureStartsAt = startAt + warmupMs;
  const stormAt = measureStartsAt + BEFORE_MS;
  const measureMs = BEFORE_MS + WINDOW_MS + AFTER_MS;
  const playing = context.pool.all((worker) =>
    worker.ask<PlayReport>(
      { kind: 'play', startAt, warmupMs, measureMs, intervalMs: INTERVAL_MS, graceMs: NO_ANSWER_AFTER_MS },
      warmupMs + measureMs + NO_ANSWER_AFTER_MS + 60_000,
    ),
  );
  const sampler = new ResourceSampler(context.watched);
  const sampling = (async () => {
    await until(stormAt);
    sampler.start();
    await until(stormAt + WINDOW_MS);
    return sampler.stop();
  })();
  const stormConnect = await connectPlayers(context, storm, {
    perSecondTotal: null,
    startAt: stormAt,
    welcomeTimeoutMs: WINDOW_MS,
  });
  const [reports, resources] = await Promise.all([playing, sampling]);
  await closePlayers(context);
  const samples = new Samples(reports);
  const inWindow = (from: number, to: number) => (i: number) =>
    samples.scheduledMs[i]! >= from && samples.scheduledMs[i]! < to;
  const phase = (from: number, to: number) => ({
    latency: percentiles(samples.latencies(inWindow(from, to))),
    outcomes: samples.countOutcomes(inWindow(from, to)),
  });
  return {
    storm_players: stormPlayers,
    background_players: backgroundPlayers,
    background_connect: backgroundConnect,
    welcomed_within_10_s: stormConnect.welcomedWithin(WINDOW_MS),
    not_welcomed: stormConnect.failed,
    time_to_last_welcome_ms: stormConnect.welcome.max_ms,
    welcome_ms: stormConnect.welcome,
    background_p99_during_storm_ms: phase(BEFORE_MS, BEFORE_MS + WINDOW_MS).latency.p99_ms,
    background: {
      before_storm: phase(0, BEFORE_MS),
      during_storm_first_10_s: phase(BEFORE_MS, BEFORE_MS + WINDOW_MS),
      after: phase(BEFORE_MS + WINDOW_MS, measureMs),
      whole: stepFigures(samples, measureMs / 1000),
    },
    resources_during_storm_10_s: resources,
  };
}

/** N idle connections (one account and one source address each): the server's RSS before and after. */
export async function idleScenario(
  context: RunContext,
  connections: number,
  connectPerSecond: number,
): Promise<Record<string, unknown>> {
  const SETTLE_MS = 10_000;
  const players = await newPlayers(context, connections, false);
  const before = await settledRss(context.server.pid, SETTLE_MS);
  note(`idle: server RSS ${mib(before)} MiB before; connecting ${connections} at ${connectPerSecond}/s`);
  const started = wallNow();
  const connect = await connectPlayers(context, players, {
    perSecondTotal: connectPerSecond,
    welcomeTimeoutMs: 30_000,
  });
  const connectSeconds = (wallNow() - started) / 1000;
  const after = await settledRss(context.server.pid, SETTLE_MS);
  const workers = context.pool.workers.map((w) => ({
    worker: w.name,
    rss_mib: mib(readProcess(w.pid ?? 0)?.rssBytes ?? 0),
  }));
  note(`idle: ${connect.connected} connected; server RSS ${mib(after)} MiB after`);
  await closePlayers(context);
  return {
    connections_requested: connections,
    connected: connect.connected,
    failed: connect.failed,
    connect_rate_per_s: connectPerSecond,
    connect_seconds: round(connectSeconds, 1),
    server_rss_before_mib: mib(before),
    server_rss_after_mib: mib(after),
    bytes_per_connection: connect.connected > 0 ? Math.round((after - before) / connect.connected) : null,
    measured_as: `server VmRSS averaged over 3 s after ${SETTLE_MS / 1000} s idle, before (accounts registered, nobody connected) and after every connection got its welcome`,
    client_workers_after: workers,
  };
}

async function settledRss(pid: number, settleMs: number): Promise<number> {
  await sleep(settleMs);
  const readings: number[] = [];
  for (let i = 0; i < 6; i++) {
    readings.push(readProcess(pid)?.rssBytes ?? 0);
    await sleep(500);
  }
  return readings.reduce((sum, r) => sum + r, 0) / readings.length;
}

/** `players` in the start location; `speakers` of them say a unique line once a second each. */
export async function broadcastScenario(
  context: RunContext,
  playerCount: number,
  speakers: number,
  seconds: number,
): Promise<Record<string, unknown>> {
  const players = await newPlayers(context, playerCount, false);
  const connect = await connectPlayers(context, players, {
    perSecondTotal: Math.max(50, Math.ceil(playerCount / 5)),
  });
  note(`broadcast: ${connect.connected} players connected; ${speakers} speakers for ${seconds} s`);
  const shares = context.pool.split(Array.from({ length: speakers }, (_, i) => i)).map((s) => s.length);
  const startAt = wallNow() + 1_000;
  const sampler = new ResourceSampler(context.watched);
  sampler.start();
  const reports = await context.pool.all((worker, i) =>
    worker.ask<BroadcastReport>(
      {
        kind: 'broadcast',
        speakers: shares[i]!,
        startAt,
        durationMs: seconds * 1000,
        everyMs: 1000,
        settleMs: 5000,
      },
      seconds * 1000 + 70_000,
    ),
  );
  const resources = sampler.stop();
  await closePlayers(context);
  const sentAt = new Map(reports.flatMap((r) => r.sends));
  const deliveries: number[] = [];
  const lastArrival = new Map<string, number>();
  const receivers = new Map<string, number>();
  for (const report of reports)
    for (const [marker, at] of report.arrivals) {
      const sent = sentAt.get(marker);
      if (sent === undefined) continue;
      deliveries.push(at - sent);
      lastArrival.set(marker, Math.max(lastArrival.get(marker) ?? 0, at - sent));
      receivers.set(marker, (receivers.get(marker) ?? 0) + 1);
    }
  const listeners = reports.reduce((sum, r) => sum + r.listeners, 0);
  const frames: Record<string, number> = {};
  for (const report of reports)
    for (const [type, n] of Object.entries(report.framesByType)) frames[type] = (frames[type] ?? 0) + n;
  return {
    players: playerCount,
    connected: connect.connected,
    connect_failed: connect.failed,
    speakers,
    says_sent: sentAt.size,
    listeners_in_start_location: listeners,
    deliveries: deliveries.length,
    delivery_ratio:
      sentAt.size > 0 && listeners > 1 ? round(deliveries.length / (sentAt.size * (listeners - 1)), 4) : null,
    send_to_each_receiver: percentiles(deliveries),
    send_to_last_receiver: percentiles([...lastArrival.values()]),
    receivers_per_say: {
      min: receivers.size > 0 ? Math.min(...receivers.values()) : 0,
      max: receivers.size > 0 ? Math.max(...receivers.values()) : 0,
      says_nobody_received: sentAt.size - receivers.size,
    },
    frames_by_type: frames,
    resources,
  };
}

/** Time from spawning the server on a fresh data dir to a healthy /health, and its RSS after 10 s idle. */
export async function startupScenario(
  modes: readonly Mode[],
  backing: Backing,
  repeat: number,
  root: Cleanup,
): Promise<Record<string, unknown>[]> {
  const IDLE_MS = 10_000;
  const runs: Record<string, unknown>[] = [];
  for (const mode of modes)
    for (let i = 0; i < repeat; i++) {
      const cleanup = new Cleanup();
      root.add(`startup run ${mode} ${i + 1}`, () => cleanup.run());
      try {
        const server = await ServerProcess.spawn(mode, backing, cleanup);
        const healthyMs = await server.waitHealthy();
        const atHealthy = readProcess(server.pid);
        await sleep(IDLE_MS);
        const idle = readProcess(server.pid);
        server.assertRunning();
        const run = {
          mode,
          run: i + 1,
          spawn_to_healthy_ms: Math.round(healthyMs),
          rss_at_healthy_mib: mib(atHealthy?.rssBytes ?? 0),
          rss_after_10_s_idle_mib: mib(idle?.rssBytes ?? 0),
          idle_cpu_percent_of_one_core:
            atHealthy && idle
              ? round(((idle.ticks - atHealthy.ticks) / TICKS_PER_SECOND / (IDLE_MS / 1000)) * 100, 1)
              : null,
          settings: server.settings,
        };
        note(
          `startup ${mode} #${i + 1}: healthy after ${run.spawn_to_healthy_ms} ms, ${run.rss_after_10_s_idle_mib} MiB idle`,
        );
        runs.push(run);
      } finally {
        await cleanup.run();
      }
    }
  return runs;
}
