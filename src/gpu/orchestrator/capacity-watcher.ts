import type { Config } from '../../config.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import { limits } from '../../limits.ts';
import type { LlmBackend } from '../backends/llm-backend.ts';
import { OpenAiCompatibleBackend } from '../backends/openai-compatible-backend.ts';
import type { ServerCapacity } from '../backends/server-capacity.ts';

/** The part of a LaneScheduler the watcher drives: a backend's slot ceiling. */
export interface SlotCeilingTarget {
  setMaxSlots(backendName: string, maxSlots: number): void;
}

/** One backend whose server may report its capacity, and the lane that schedules it. */
export interface WatchedBackend {
  backend: Pick<LlmBackend, 'name' | 'capacity'>;
  lane: SlotCeilingTarget;
  /** Its ceiling before its server said anything: the configured slots (WORLD_SLOTS, NPC_SLOTS). */
  configuredSlots: number;
}

export interface CapacityWatcherOptions {
  /** Read at every poll: instances may join or leave a lane. */
  backends: () => readonly WatchedBackend[];
  pollMs?: number;
  logger?: Pick<Logger, 'debug' | 'info'>;
}

/**
 * Continuous batching where the server offers it: every few seconds, asks each backend's server what it
 * can batch (OpenAiCompatibleBackend.capacity) and sets the lane's slot ceiling for that backend to it, so
 * a vLLM or SGLang server gets as many requests at once as it batches, not the handful an Ollama-sized
 * setting allows. The lane's own latency-driven resize still works below the ceiling.
 */
export class CapacityWatcher {
  private readonly ceilings = new Map<string, number>();
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  private controller = new AbortController();
  private round: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: CapacityWatcherOptions) {
    this.pollMs = options.pollMs ?? limits.serverCapacityPollMs;
  }

  /** Polls now (without holding up the caller), then every pollMs. */
  start(): void {
    if (this.stopped || this.timer || this.round) return;
    const loop = () => {
      this.timer = undefined;
      void this.pollOnce().finally(() => {
        if (!this.stopped) this.timer = setTimeout(loop, this.pollMs).unref();
      });
    };
    loop();
  }

  /** One poll of every watched backend; what tests and the loop call. Never rejects. */
  pollOnce(): Promise<void> {
    this.round ??= this.pollAll().finally(() => {
      this.round = undefined;
    });
    return this.round;
  }

  /** The ceiling last set per backend name (for /health and tests). */
  status(): ReadonlyMap<string, number> {
    return this.ceilings;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.controller.abort();
    await this.round;
  }

  private async pollAll(): Promise<void> {
    const watched = this.options.backends().filter((w) => typeof w.backend.capacity === 'function');
    await Promise.all(watched.map((w) => this.pollOne(w)));
  }

  private async pollOne({ backend, lane, configuredSlots }: WatchedBackend): Promise<void> {
    let capacity: ServerCapacity | undefined;
    try {
      capacity = await backend.capacity?.(this.controller.signal);
    } catch (error) {
      // capacity() promises not to reject; a third-party backend might.
      this.options.logger?.debug({ backend: backend.name, err: error }, 'capacity probe failed');
      return;
    }
    if (!capacity || this.stopped) return;
    const current = this.ceilings.get(backend.name) ?? configuredSlots;
    const next = nextSlotCeiling(current, capacity);
    if (next === this.ceilings.get(backend.name)) return;
    try {
      lane.setMaxSlots(backend.name, next);
    } catch (error) {
      // The backend left its lane between the listing and now.
      this.options.logger?.debug({ backend: backend.name, err: error }, 'slot ceiling not set');
      return;
    }
    this.ceilings.set(backend.name, next);
    this.options.logger?.debug(
      { backend: backend.name, capacity, from: current, to: next },
      'slot ceiling set',
    );
  }
}

/**
 * The slot ceiling a server's report calls for. A reported batch cap (SGLang) is taken as is. With vLLM's
 * gauges only, the cap is found by probing: one step up while the server neither queues nor nears a full
 * KV cache; down to what it runs now when it queues or its KV cache is (nearly) full, since past that
 * point vLLM preempts running requests and every answer slows down.
 */
export function nextSlotCeiling(current: number, capacity: ServerCapacity): number {
  const clamp = (n: number) => Math.min(limits.maxServerSlots, Math.max(1, Math.round(n)));
  if (capacity.maxRunning !== undefined) return clamp(capacity.maxRunning);
  const { running, waiting, kvCacheUsage } = capacity;
  const kvFull = kvCacheUsage !== undefined && kvCacheUsage >= 0.95;
  if ((waiting !== undefined && waiting > 0) || kvFull)
    return clamp(Math.min(current, running ?? current - 1));
  if (waiting === 0 && (kvCacheUsage === undefined || kvCacheUsage < 0.9))
    return clamp(current + limits.serverCapacityGrowStep);
  return clamp(current);
}

/** A lane as the watcher sees it: its backends by name, and their ceilings. */
export interface WatchableLane extends SlotCeilingTarget {
  status(): readonly { backend: string; maxSlots: number }[];
}

type ProbeSettings = Pick<
  Config,
  'OPENAI_WORLD_URL' | 'OPENAI_NPC_URLS' | 'OPENAI_API_KEY' | 'WORLD_MODEL' | 'NPC_MODEL'
> & { OPENAI_WORLD_URLS?: readonly string[] };

/**
 * Starts a watcher over the lanes' backends on OpenAI-compatible servers (undefined when there are
 * none). The lanes do not hand out their backends, so each server gets a probe of its own, named as
 * openLanes names the lane's backend for it (`<lane>:<url>`); a lane backend without a probe (Ollama)
 * is not polled.
 */
export function watchServerCapacity(
  settings: ProbeSettings,
  lanes: { world?: WatchableLane; npc?: WatchableLane },
  logger?: Pick<Logger, 'debug' | 'info'>,
): CapacityWatcher | undefined {
  const probes = new Map<string, OpenAiCompatibleBackend>();
  const addProbes = (lane: 'world' | 'npc', urls: readonly (string | undefined)[], model: string) => {
    for (const url of urls) {
      if (!url || probes.has(`${lane}:${url}`)) continue;
      const probe = new OpenAiCompatibleBackend({
        baseUrl: url,
        model,
        name: `${lane}:${url}`,
        ...(settings.OPENAI_API_KEY ? { apiKey: settings.OPENAI_API_KEY } : {}),
        ...(logger ? { debug: (detail, message) => logger.debug(detail, message) } : {}),
      });
      probes.set(probe.name, probe);
    }
  };
  addProbes(
    'world',
    [settings.OPENAI_WORLD_URL, ...(settings.OPENAI_WORLD_URLS ?? [])],
    settings.WORLD_MODEL,
  );
  addProbes('npc', settings.OPENAI_NPC_URLS, settings.NPC_MODEL);
  if (probes.size === 0) return undefined;
  const watcher = new CapacityWatcher({
    backends: () =>
      [lanes.world, lanes.npc].flatMap((lane) =>
        lane
          ? lane.status().flatMap(({ backend, maxSlots }) => {
              const probe = probes.get(backend);
              return probe ? [{ backend: probe, lane, configuredSlots: maxSlots }] : [];
            })
          : [],
      ),
    ...(logger ? { logger } : {}),
  });
  watcher.start();
  return watcher;
}
