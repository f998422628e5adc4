/**
 * LLM lanes under load: the real LlmOrchestrator, LaneSchedulers, RulesEngine and MemoryCache over
 * simulated model servers (bench/simulated-backend.ts) with the seed's token rates, on the starter
 * world, with N simulated players per step.
 *
 *   npm run -s bench -- lanes [--players 10,20,40] [--seconds 15] [--world-slots 4] [--npc-slots 4]
 *                             [--npc-instances 2] [--think-ms 5000] [--pipeline processor|direct]
 *                             [--processor-concurrency 64] [--presence on|off] [--seed lanes-1]
 *                             [--target-service-ms N]
 *
 * Each step (one N) starts cold (fresh lanes, cache and metrics), lets the players act for `seconds`
 * of real time, then stops the players and waits for every action in flight. The latency of an
 * action runs from the moment the player sends it to the orchestrator's proposal.
 *
 * Pipeline `processor` (the default) hands actions to the orchestrator as src/gpu/action-processor.ts
 * does: one at a time per player (its KeyedQueue), a slot of at most 64 (its default concurrency)
 * taken when it is the player's turn, so a burst's later actions wait for the earlier ones; the
 * orchestrator's 5 s budget runs from when the action was sent. `direct` calls the orchestrator the
 * moment an action is sent.
 *
 * Presence `on` (the default) gives every context the other players at the place, by name, as the
 * presence projection does (the viewer excluded): the rule engine's view of the place, and so the
 * description cache key, then depends on who else is there. `off` leaves players out of every scene.
 *
 * `--target-service-ms` sets the schedulers' slot-sizing target.
 *
 * Not modelled: the event store, the effects check and the location streams (items stay where the
 * content puts them, enemies at full health), NPC memories (none recalled), world time (fixed at the
 * test helper's instant, 00:00 game time: night, NPCs at their night places).
 */
import { setMaxListeners } from 'node:events';
import { type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { KeyedQueue } from '../src/commands/keyed-queue.ts';
import type { Action } from '../src/domain/actions.ts';
import { seededRandom } from '../src/domain/random.ts';
import type { World } from '../src/domain/world/world.ts';
import type { ActionContext, Lane, Proposal } from '../src/gpu/lane.ts';
import { LaneScheduler } from '../src/gpu/orchestrator/lane-scheduler.ts';
import { LlmOrchestrator } from '../src/gpu/orchestrator/orchestrator.ts';
import { actionContext } from '../src/gpu/prompts/testing/context.ts';
import { RulesEngine } from '../src/gpu/rules/rules-engine.ts';
import { Semaphore } from '../src/gpu/semaphore.ts';
import { MemoryCache } from '../src/infrastructure/cache/memory-cache.ts';
import { createLogger } from '../src/infrastructure/logger.ts';
import { createMetrics, type Metrics } from '../src/infrastructure/metrics.ts';
import { loadWorldFile } from '../src/infrastructure/world-file.ts';
import { limits } from '../src/limits.ts';
import { describeMachine, type Machine } from './machine.ts';
import { type Range, SimulatedBackend, type SimulatedBackendStats } from './simulated-backend.ts';

const WORLD_FILE = 'content/starter-world.json';
const DEFAULT_PLAYERS = [10, 20, 40, 80, 120, 160, 200, 300];
const TARGET = { players: 160, p95MsAtMost: 5_000, maxMsAtMost: 5_000 } as const;
/** src/gpu/action-processor.ts: its default `concurrency` (system.ts keeps the default). */
const PROCESSOR_CONCURRENCY = 64;

/** The player model: bursts at the seed's per-player limit, then a pause to read and think. */
const PLAYER = {
  burstActions: [2, 4] as Range,
  actionIntervalMs: 1000 / limits.actionsPerSecondPerPlayer,
  thinkMs: { mean: 5_000, min: 1_000, max: 20_000 },
};

/**
 * What a player decides to do next when not in the middle of something (weights). Talk, attack and
 * take start an activity: a conversation of 1-3 lines, a fight of 2-4 rounds, one pick-up. When the
 * activity is not possible here (nobody to talk to, no enemy, nothing lying here), the player walks
 * there first, one move per action toward the nearest place where it is, then carries it out; a
 * `move` drawn meanwhile also goes that way. The weights are tuned so that what players send comes
 * out near look 20%, move 25%, talk 17%, attack 9%, take 6%, say 10%, inventory 5%, quest 5%
 * (each step reports what was sent in actions_by_type).
 */
const MIX = {
  look: 22,
  move: 8,
  talk: 12,
  attack: 8,
  take: 6,
  say: 10,
  inventory: 5,
  quest: 5,
} as const;
const ACTIVITY: Record<Activity, Range> = { talk: [1, 3], attack: [2, 4], take: [1, 1] };
type Activity = 'talk' | 'attack' | 'take';
type Intent = keyof typeof MIX;

/** Share of talks that are a bare greeting (shared, public cache); the rest ask about a topic. */
const GREETING_SHARE = 0.35;
const GREETINGS = ['hello', 'hi', 'greetings', 'hail', 'well met'];
const SAYINGS = [
  'Anyone here?',
  'Hello, all.',
  'Which way to the ruins?',
  'Has anyone seen a wolf?',
  'Looking for a group.',
  'This place gives me the creeps.',
  'Nice weather, for once.',
  'Who sells potions around here?',
  'I need a better sword.',
  'Follow me!',
];

const BACKENDS = {
  world: {
    model: 'simulated-big',
    generationTokensPerSecond: [15, 25] as Range,
    promptTokensPerSecond: [500, 1000] as Range,
    completionTokens: { world_outcome: [40, 90] as Range },
    batchPenalty: 0.1,
  },
  npc: {
    model: 'simulated-small',
    generationTokensPerSecond: [30, 40] as Range,
    promptTokensPerSecond: [500, 1000] as Range,
    completionTokens: { npc_reply: [30, 70] as Range, enemy_taunt: [10, 20] as Range },
    batchPenalty: 0.1,
  },
};

interface Options {
  players: number[];
  seconds: number;
  worldSlots: number;
  npcSlots: number;
  npcInstances: number;
  thinkMs: number;
  pipeline: 'processor' | 'direct';
  processorConcurrency: number;
  presence: boolean;
  seed: string;
  targetServiceMs?: number;
}

type Percentiles = { p50: number; p95: number; p99: number; max: number };

export interface LanesStepResult {
  players: number;
  actions: number;
  seconds: number;
  throughput_per_s: number;
  llm_answers_per_s: number;
  latency_ms: Percentiles;
  resolve_ms: Percentiles;
  sources: Record<string, number>;
  fallbacks: Record<string, number>;
  ms_by_source: Record<string, { latency: Percentiles; resolve: Percentiles }>;
  actions_by_type: Record<string, number>;
  cache: Record<string, number>;
  lanes: Record<string, unknown>;
  event_loop_delay_ms: { p99: number; max: number };
}

export interface LanesBenchResult {
  benchmark: 'lanes';
  machine: Machine;
  config: Record<string, unknown>;
  results: LanesStepResult[];
  target: { players: number; p95_ms_at_most: number; max_ms_at_most: number; met: boolean; note?: string };
}

export async function run(args: readonly string[]): Promise<LanesBenchResult> {
  const options = parseOptions(args);
  const world = await loadWorldFile(WORLD_FILE);
  const places = mapPlaces(world);
  const machine = await describeMachine();
  const results: LanesStepResult[] = [];
  for (const players of options.players) {
    const result = await runStep(players, options, world, places);
    results.push(result);
    console.error(
      `lanes: ${players} players: ${result.actions} actions, ${result.throughput_per_s}/s, ` +
        `p50 ${result.latency_ms.p50} p95 ${result.latency_ms.p95} max ${result.latency_ms.max} ms; ` +
        `sources ${JSON.stringify(result.sources)}; fallbacks ${JSON.stringify(result.fallbacks)}`,
    );
  }
  const atTarget = results.find((r) => r.players === TARGET.players);
  return {
    benchmark: 'lanes',
    machine,
    config: describeConfig(options, world),
    results,
    target: {
      players: TARGET.players,
      p95_ms_at_most: TARGET.p95MsAtMost,
      max_ms_at_most: TARGET.maxMsAtMost,
      met:
        atTarget !== undefined &&
        atTarget.latency_ms.p95 <= TARGET.p95MsAtMost &&
        atTarget.latency_ms.max <= TARGET.maxMsAtMost,
      ...(atTarget ? {} : { note: `no step with ${TARGET.players} players was run` }),
    },
  };
}

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      players: { type: 'string' },
      seconds: { type: 'string', default: '15' },
      'world-slots': { type: 'string', default: '4' },
      'npc-slots': { type: 'string', default: '4' },
      'npc-instances': { type: 'string', default: '2' },
      'think-ms': { type: 'string', default: String(PLAYER.thinkMs.mean) },
      pipeline: { type: 'string', default: 'processor' },
      'processor-concurrency': { type: 'string', default: String(PROCESSOR_CONCURRENCY) },
      presence: { type: 'string', default: 'on' },
      seed: { type: 'string', default: 'lanes-1' },
      'target-service-ms': { type: 'string' },
    },
    strict: true,
  });
  const positive = (name: string, text: string): number => {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const whole = (name: string, text: string) => {
    const value = positive(name, text);
    if (!Number.isInteger(value)) throw new Error(`--${name} must be a whole number`);
    return value;
  };
  if (values.pipeline !== 'processor' && values.pipeline !== 'direct')
    throw new Error('--pipeline must be processor or direct');
  if (values.presence !== 'on' && values.presence !== 'off') throw new Error('--presence must be on or off');
  return {
    players: values.players
      ? values.players.split(',').map((n) => whole('players', n.trim()))
      : DEFAULT_PLAYERS,
    seconds: positive('seconds', values.seconds),
    worldSlots: whole('world-slots', values['world-slots']),
    npcSlots: whole('npc-slots', values['npc-slots']),
    npcInstances: whole('npc-instances', values['npc-instances']),
    thinkMs: positive('think-ms', values['think-ms']),
    pipeline: values.pipeline,
    processorConcurrency: whole('processor-concurrency', values['processor-concurrency']),
    presence: values.presence === 'on',
    seed: values.seed,
    ...(values['target-service-ms']
      ? { targetServiceMs: positive('target-service-ms', values['target-service-ms']) }
      : {}),
  };
}

function describeConfig(options: Options, world: World): Record<string, unknown> {
  return {
    world: `${WORLD_FILE} (version ${world.content.version}, ${world.locations.size} locations)`,
    seconds_per_step: options.seconds,
    step_start: 'cold: fresh lanes, response cache and metrics per step',
    player_model: {
      start: 'each player at a location drawn uniformly, first burst at a uniform offset in [0, think mean)',
      burst_actions: `uniform whole number in [${PLAYER.burstActions.join(', ')}]`,
      action_interval_ms: PLAYER.actionIntervalMs,
      think_pause_ms: `exponential after the burst is sent (not after its answers), mean ${options.thinkMs}, clamped to [${PLAYER.thinkMs.min}, ${PLAYER.thinkMs.max}]`,
      mean_actions_per_s_per_player: Math.round((3 / (0.5 + options.thinkMs / 1000)) * 100) / 100,
      open_loop: 'players send without waiting for answers (the load does not ease when answers are slow)',
      identity: 'playerId p<i>, username player<i>, full health, empty inventory, no relationships',
    },
    mix: {
      weights_when_idle: MIX,
      activities: `talk ${ACTIVITY.talk.join('-')} lines, attack ${ACTIVITY.attack.join('-')} rounds, take ${ACTIVITY.take.join('-')}; when not possible here, the player first walks toward the nearest place where it is (each step a move)`,
      realised_target:
        'about look 20%, move 25%, talk 17%, attack 9%, take 6%, say 10%, inventory 5%, quest 5% (actions_by_type per step gives what was sent)',
      move: 'toward the activity under way, else a random exit; the player goes where the proposal’s move effect says',
      talk: `${GREETING_SHARE * 100}% a bare greeting (${GREETINGS.join(', ')}), else "What can you tell me about <one of the NPC's knowledge keywords>?"`,
      say: `one of ${SAYINGS.length} phrases`,
      attack: 'the first enemy here, by name; take: a random item lying here; quest: status',
    },
    pipeline:
      options.pipeline === 'processor'
        ? `as src/gpu/action-processor.ts: one action at a time per player, at most ${options.processorConcurrency} at once (counting actions that wait for the same player's earlier ones, as its consume() does); the action is chosen when its turn comes`
        : 'each action resolved the moment it is sent',
    presence: options.presence
      ? 'other players at the place are in every context (viewer excluded), as the presence projection gives them'
      : 'off: no players in any scene',
    backends: {
      world: {
        instances: 1,
        slots_per_instance: options.worldSlots,
        ...BACKENDS.world,
      },
      npc: {
        instances: options.npcInstances,
        slots_per_instance: options.npcSlots,
        ...BACKENDS.npc,
      },
      request_time:
        'uncached prompt tokens / prompt rate + completion tokens / generation rate (rates drawn per request, tokens ≈ chars/4, completion capped by maxTokens)',
      prompt_cache: 'a system message the instance has seen before costs nothing to process',
      batching: 'each running request advances at 1/(1 + batchPenalty·(active − 1)) of its rate',
    },
    ...(options.targetServiceMs ? { target_service_ms: options.targetServiceMs } : {}),
    budget_ms: limits.actionTimeoutMs,
    max_queue_wait_ms: limits.maxQueueWaitMs,
    scheduler: 'LaneScheduler defaults: targetServiceMs 2500, breakerThreshold 5, halfOpenAfterMs 10000',
    seed: options.seed,
  };
}

/** What each place offers a player, and the next step toward the nearest place offering it. */
interface Place {
  id: string;
  exits: string[];
  npcs: string[];
  npcKeywords: Map<string, string[]>;
  enemies: string[];
  items: string[];
}

interface Places {
  byId: Map<string, Place>;
  ids: string[];
  /** kind → location id → direction to go (absent where the kind is here or nowhere reachable). */
  toward: Record<'talk' | 'attack' | 'take', Map<string, string>>;
}

function mapPlaces(world: World): Places {
  const byId = new Map<string, Place>();
  for (const location of world.locations.values()) {
    const probe = actionContext({ action: { action_type: 'look' }, world, locationId: location.id });
    byId.set(location.id, {
      id: location.id,
      exits: Object.keys(location.exits),
      npcs: probe.npcsHere.map((n) => n.name),
      npcKeywords: new Map(probe.npcsHere.map((n) => [n.name, n.knowledge.map((k) => k.keywords[0]!)])),
      enemies: probe.enemiesHere.map((e) => e.enemy.name),
      items: probe.locationState.items.map((id) => world.items.get(id)?.name ?? id),
    });
  }
  const ids = [...byId.keys()];
  const nextStep = (has: (p: Place) => boolean): Map<string, string> => {
    const steps = new Map<string, string>();
    for (const start of ids) {
      if (has(byId.get(start)!)) continue;
      // Breadth first from `start`, remembering the first direction taken.
      const seen = new Set([start]);
      let frontier: { id: string; first: string }[] = Object.entries(world.locations.get(start)!.exits).map(
        ([direction, to]) => ({ id: to, first: direction }),
      );
      while (frontier.length > 0) {
        const found = frontier.find((f) => has(byId.get(f.id)!));
        if (found) {
          steps.set(start, found.first);
          break;
        }
        const next: typeof frontier = [];
        for (const f of frontier) {
          if (seen.has(f.id)) continue;
          seen.add(f.id);
          for (const to of Object.values(world.locations.get(f.id)!.exits))
            if (!seen.has(to)) next.push({ id: to, first: f.first });
        }
        frontier = next;
      }
    }
    return steps;
  };
  return {
    byId,
    ids,
    toward: {
      talk: nextStep((p) => p.npcs.length > 0),
      attack: nextStep((p) => p.enemies.length > 0),
      take: nextStep((p) => p.items.length > 0),
    },
  };
}

interface SimPlayer {
  index: number;
  id: string;
  username: string;
  locationId: string;
  random: () => number;
  actions: number;
  /** The activity under way: what, and how many more actions of it. */
  activity?: { kind: Activity; left: number };
}

interface ActionRecord {
  type: string;
  source: string;
  latencyMs: number;
  resolveMs: number;
}

async function runStep(n: number, options: Options, world: World, places: Places): Promise<LanesStepResult> {
  const metrics = createMetrics();
  const seed = `${options.seed}/${n}`;
  const worldBackends = [
    new SimulatedBackend({ name: 'world-1', seed: `${seed}/world-1`, ...BACKENDS.world }),
  ];
  const npcBackends = Array.from(
    { length: options.npcInstances },
    (_, i) => new SimulatedBackend({ name: `npc-${i + 1}`, seed: `${seed}/npc-${i + 1}`, ...BACKENDS.npc }),
  );
  const worldConfigs = worldBackends.map((backend) => ({ backend, maxSlots: options.worldSlots }));
  const npcConfigs = npcBackends.map((backend) => ({ backend, maxSlots: options.npcSlots }));
  const cache = new MemoryCache();
  const common = {
    rules: new RulesEngine(),
    cache,
    logger: createLogger('silent', false),
    metrics,
    worldVersion: () => world.content.version,
  };
  // The real thing, as src/gpu/orchestrator/open-lanes.ts builds it.
  const schedulerOptions = {
    maxQueueWaitMs: limits.maxQueueWaitMs,
    metrics,
    ...(options.targetServiceMs ? { targetServiceMs: options.targetServiceMs } : {}),
  };
  const worldScheduler = new LaneScheduler('world', worldConfigs, schedulerOptions);
  const npcScheduler = new LaneScheduler('npc', npcConfigs, schedulerOptions);
  const [worldLane, npcLane] = [worldScheduler, npcScheduler];
  const orchestrator: Lane = new LlmOrchestrator({ world: worldScheduler, npc: npcScheduler, ...common });

  const presence = new Map<string, Set<string>>(places.ids.map((id) => [id, new Set<string>()]));
  const playersAt = (locationId: string, except: string) =>
    [...(presence.get(locationId) ?? [])].filter((name) => name !== except).sort();
  const players: SimPlayer[] = Array.from({ length: n }, (_, index) => {
    const random = seededRandom(`${seed}/p${index}`);
    const player = {
      index,
      id: `p${index}`,
      username: `player${index}`,
      locationId: places.ids[Math.floor(random() * places.ids.length)]!,
      random,
      actions: 0,
    };
    presence.get(player.locationId)!.add(player.username);
    return player;
  });

  const records: ActionRecord[] = [];
  const inFlight = new Set<Promise<void>>();

  const resolveOne = async (player: SimPlayer, sentAt: number): Promise<void> => {
    const started = performance.now();
    const action = chooseAction(player, places);
    const base = actionContext({
      action,
      world,
      actionId: `${player.id}-a${player.actions++}`,
      player: { playerId: player.id, username: player.username, locationId: player.locationId },
      playersHere: options.presence ? playersAt(player.locationId, player.username) : [],
    });
    const context: ActionContext = {
      ...base,
      // When the player asked: the orchestrator's 5 s budget runs from here.
      at: new Date(Date.now() - (performance.now() - sentAt)),
      describe: async (locationId) => ({
        ...(await base.describe(locationId)),
        players: options.presence ? playersAt(locationId, player.username) : [],
      }),
    };
    let proposal: Proposal | undefined;
    try {
      proposal = await orchestrator.resolve(context);
    } catch (error) {
      console.error('lanes: resolve failed:', error);
    }
    const done = performance.now();
    records.push({
      type: action.action_type,
      source: proposal?.source ?? 'error',
      latencyMs: done - sentAt,
      resolveMs: done - started,
    });
    const moved = proposal?.effects.find((e) => e.kind === 'move');
    if (moved && moved.kind === 'move' && places.byId.has(moved.to)) {
      presence.get(player.locationId)!.delete(player.username);
      player.locationId = moved.to;
      presence.get(player.locationId)!.add(player.username);
    }
  };

  // The action processor's dispatch: per player in order; a slot (at most processorConcurrency) is
  // taken when it is the player's turn, as src/gpu/action-processor.ts does.
  const perPlayer = new KeyedQueue();
  const processorSlots = new Semaphore(options.processorConcurrency);
  const viaProcessor = (player: SimPlayer, sentAt: number) =>
    perPlayer.run(player.id, async () => {
      const release = await processorSlots.acquire();
      try {
        await resolveOne(player, sentAt);
      } finally {
        release();
      }
    });
  const send = (player: SimPlayer) => {
    const sentAt = performance.now();
    const action = options.pipeline === 'direct' ? resolveOne(player, sentAt) : viaProcessor(player, sentAt);
    inFlight.add(action);
    void action.finally(() => inFlight.delete(action));
  };

  const stop = new AbortController();
  // Every player's pause listens to it (0: no listener limit).
  setMaxListeners(0, stop.signal);
  const pause = (ms: number) => sleep(ms, undefined, { signal: stop.signal }).catch(() => {});
  const thinkMs = (random: () => number) =>
    Math.min(PLAYER.thinkMs.max, Math.max(PLAYER.thinkMs.min, -Math.log(1 - random()) * options.thinkMs));
  const playerLoop = async (player: SimPlayer) => {
    await pause(player.random() * options.thinkMs);
    while (!stop.signal.aborted) {
      const [min, max] = PLAYER.burstActions;
      const burst = min + Math.floor(player.random() * (max - min + 1));
      for (let i = 0; i < burst && !stop.signal.aborted; i++) {
        send(player);
        if (i < burst - 1) await pause(PLAYER.actionIntervalMs);
      }
      await pause(thinkMs(player.random));
    }
  };

  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const startedAt = performance.now();
  const loops = players.map(playerLoop);
  await sleep(options.seconds * 1000);
  stop.abort();
  const windowSeconds = (performance.now() - startedAt) / 1000;
  await Promise.all(loops);
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  loopDelay.disable();
  await cache.close();

  return summarise(n, windowSeconds, records, metrics, loopDelay, {
    world: { status: worldLane.status(), backends: statsOf(worldBackends) },
    npc: { status: npcLane.status(), backends: statsOf(npcBackends) },
  });
}

function chooseAction(player: SimPlayer, places: Places): Action {
  const random = player.random;
  const place = places.byId.get(player.locationId)!;
  const pickFrom = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  type Direction = Extract<Action, { action_type: 'move' }>['direction'];
  const possible: Record<Activity, boolean> = {
    talk: place.npcs.length > 0,
    attack: place.enemies.length > 0,
    take: place.items.length > 0,
  };
  const move = (toward?: Activity): Action => ({
    action_type: 'move',
    direction: ((toward && places.toward[toward].get(place.id)) ?? pickFrom(place.exits)) as Direction,
  });
  const perform = (kind: Activity): Action => {
    switch (kind) {
      case 'talk': {
        const npc = pickFrom(place.npcs);
        const message =
          random() < GREETING_SHARE
            ? pickFrom(GREETINGS)
            : `What can you tell me about ${pickFrom(place.npcKeywords.get(npc) ?? ['yourself'])}?`;
        return { action_type: 'talk', npc, message };
      }
      case 'attack':
        return { action_type: 'attack', target: place.enemies[0]! };
      case 'take':
        return { action_type: 'take', item: pickFrom(place.items) };
    }
  };

  const activity = player.activity;
  if (activity && possible[activity.kind]) {
    activity.left--;
    if (activity.left <= 0) player.activity = undefined;
    return perform(activity.kind);
  }
  const intent = weighted(random, MIX);
  switch (intent) {
    case 'talk':
    case 'attack':
    case 'take': {
      const [min, max] = ACTIVITY[intent];
      const left = min + Math.floor(random() * (max - min + 1));
      if (!possible[intent]) {
        player.activity = { kind: intent, left };
        return move(intent);
      }
      player.activity = left > 1 ? { kind: intent, left: left - 1 } : undefined;
      return perform(intent);
    }
    case 'move':
      return move(activity?.kind);
    case 'look':
      return { action_type: 'look' };
    case 'say':
      return { action_type: 'say', message: pickFrom(SAYINGS) };
    case 'inventory':
      return { action_type: 'inventory' };
    case 'quest':
      return { action_type: 'quest', op: 'status' };
  }
}

function weighted(random: () => number, weights: Readonly<Record<Intent, number>>): Intent {
  const entries = Object.entries(weights) as [Intent, number][];
  let roll = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [intent, weight] of entries) {
    roll -= weight;
    if (roll < 0) return intent;
  }
  return entries[entries.length - 1]![0];
}

function statsOf(backends: SimulatedBackend[]): Record<string, SimulatedBackendStats> {
  return Object.fromEntries(backends.map((b) => [b.name, b.stats()]));
}

async function summarise(
  players: number,
  seconds: number,
  records: ActionRecord[],
  metrics: Metrics,
  loopDelay: IntervalHistogram,
  lanes: Record<string, unknown>,
): Promise<LanesStepResult> {
  const count = (key: (r: ActionRecord) => string) => {
    const counts: Record<string, number> = {};
    for (const r of records) counts[key(r)] = (counts[key(r)] ?? 0) + 1;
    return counts;
  };
  const sources = count((r) => r.source);
  const bySource: Record<string, { latency: Percentiles; resolve: Percentiles }> = {};
  for (const source of Object.keys(sources)) {
    const mine = records.filter((r) => r.source === source);
    bySource[source] = {
      latency: percentiles(mine.map((r) => r.latencyMs)),
      resolve: percentiles(mine.map((r) => r.resolveMs)),
    };
  }
  const labelled = async (metric: Metrics['fallbacks'] | Metrics['cacheRequests'], keys: string[]) =>
    Object.fromEntries(
      (await metric.get()).values.map((v) => {
        const labels = v.labels as Record<string, string | number | undefined>;
        return [keys.map((k) => labels[k]).join(':'), v.value];
      }),
    );
  return {
    players,
    actions: records.length,
    seconds: round(seconds, 1),
    throughput_per_s: round(records.length / seconds, 1),
    llm_answers_per_s: round((sources['llm'] ?? 0) / seconds, 2),
    latency_ms: percentiles(records.map((r) => r.latencyMs)),
    resolve_ms: percentiles(records.map((r) => r.resolveMs)),
    sources,
    fallbacks: await labelled(metrics.fallbacks, ['lane', 'cause']),
    ms_by_source: bySource,
    actions_by_type: count((r) => r.type),
    cache: await labelled(metrics.cacheRequests, ['kind', 'outcome']),
    lanes,
    event_loop_delay_ms: {
      p99: round(loopDelay.percentile(99) / 1e6, 1),
      max: round(loopDelay.max / 1e6, 1),
    },
  };
}

function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(sorted.at(-1)!) };
}

function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
