/**
 * A realistic event log for benchmarks: P players play the STARTER world through the game's own code,
 * so the events are the ones the live game writes, with its shapes, ids, metadata and proportions.
 *
 *   tsx bench/world-events.ts --schema S [--events N] [--players P] [--seed X] [--days D] [--end ISO]
 *                             [--writers W] [--window E]
 *
 * (run by bench/rebuild.ts in a child process, so that the rebuild's memory figures are its own; prints
 * one JSON document with the generation and load figures on stdout, progress on stderr).
 *
 * The game's code, over an event store in this process's memory (bench/memory-event-store.ts) and a
 * simulated clock: the CommandHandler appends every event; the WorldRuntime records the content;
 * PlayerSessions enter, leave and request actions as the gateway does; the server's ActionProcessor
 * resolves each action (its context with NPC schedules, weather, enemies and the players the presence
 * projection sees there → the RulesEngine as its lane → the rules' check → one ApplyActionSteps
 * command on the location's stream → ResolveAction), one at a time, right after it is requested.
 * What is not the server's: accounts are registered with the account and player deciders through the
 * CommandHandler (no AccountService: no password hash, no credential store); the ActionProcessor is
 * given no NPC memory recaller (the server's recalls earlier talks); it is called per action instead
 * of following the log. bench/rebuild.ts prints these in `differences_from_production`.
 *
 * Who does what: each player has a "focus" (how often they pursue their quests: go to the giver, talk,
 * accept, travel to the enemy, fight, pick up the loot, deliver it) and otherwise acts at random from a
 * mix weighted like a text adventure's (move, look, talk, attack, take, drop, use, inventory, quest,
 * say, and a few actions that fail: a wall, an NPC who is elsewhere). They heal when hurt, flee when
 * low, die and respawn. Time: `days` of play (default 7) ending at `end` (default: midnight UTC
 * today; the last sessions planned are cut off when the log reaches N events, so it ends a little
 * earlier), sessions placed with a daily rhythm (evenings busy, nights quiet), 1-90 s between a
 * player's actions. Randomness is seeded (`seed`); the rule engine is seeded by the action id, which
 * derives from it: the same flags (and `end`) give the same log, event for event, except the id of the
 * first event (the WorldRuntime gives its content command a random id).
 *
 * The log is cut into windows of `windowEvents` consecutive events (time order); a window is appended
 * as one batch per stream (that stream's events in the window, in order, at most MAX_EVENTS_PER_APPEND
 * per append), by `writers` concurrent writers, each stream always by the same writer with its exact
 * expected revision, windows one after the other. Global positions thus follow time up to a window
 * (about days × window / N).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CommandHandler } from '../src/commands/command-handler.ts';
import { PlayerSessions } from '../src/commands/player-session.ts';
import { SceneReader } from '../src/commands/scene-reader.ts';
import { WorldRuntime } from '../src/commands/world-runtime.ts';
import { accountDecider, accountStream } from '../src/domain/account/account.ts';
import { actionSchema } from '../src/domain/actions.ts';
import { enemiesPresent, type LocationState, locationStream } from '../src/domain/location/location.ts';
import { type PlayerState, playerStream } from '../src/domain/player/player.ts';
import { pick, seededRandom } from '../src/domain/random.ts';
import { npcLocationAt, npcsAt, worldTime } from '../src/domain/world/clock.ts';
import { type Direction, type Npc, requireLocation, type World } from '../src/domain/world/world.ts';
import { ActionResolver } from '../src/gpu/action-resolver.ts';
import { RulesEngine } from '../src/gpu/rules/rules-engine.ts';
import { openDatabase } from '../src/infrastructure/database.ts';
import {
  type NewEvent,
  NO_STREAM_REVISION,
  type Revision,
  type StoredEvent,
} from '../src/infrastructure/event-store/event-store.ts';
import { type EventStoreTables, SqlEventStore } from '../src/infrastructure/event-store/sql-event-store.ts';
import { createLogger } from '../src/infrastructure/logger.ts';
import { loadWorldFile } from '../src/infrastructure/world-file.ts';
import { PresenceProjection } from '../src/projections/presence.ts';
import { MemoryEventStore } from './memory-event-store.ts';

export const STARTER_WORLD_FILE = 'content/starter-world.json';
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Room for the events of one step (an action emits at most ~20) and the sessions still open at the end. */
const END_MARGIN = 64;
/** Measured on this generator (seed bench-1, 2,000 players): events per action, to plan the sessions. */
const EVENTS_PER_ACTION_ESTIMATE = 3.2;
const MEAN_ACTIONS_PER_SESSION = 70;
const HOUR_MS = 3_600_000;
/**
 * At most this many events per append: a stream's share of a window can be thousands of events, and one
 * such append can outlast the store's append timeout (limits.appendTimeoutMs) on a busy machine.
 */
const MAX_EVENTS_PER_APPEND = 250;

/** One append: consecutive events of one stream. */
export interface StreamBatch {
  streamId: string;
  events: NewEvent[];
}

export interface WorldEventsOptions {
  world: World;
  /** Exactly this many events. */
  events: number;
  players: number;
  seed: string;
  /** Span of play; the log ends at `end`. */
  days: number;
  end: Date;
  /** Events per window (see the file comment). */
  windowEvents: number;
}

export interface GenerationStats {
  events: number;
  windows: number;
  streams: number;
  players_registered: number;
  sessions: number;
  actions: number;
  by_event_type: Record<string, number>;
  by_action_type: Record<string, number>;
  quests_completed: number;
  player_defeats: number;
  max_items_lying_in_one_location: number;
  first_event_at: string;
  last_event_at: string;
  max_players_online: number;
}

// ---------------------------------------------------------------------------------------------
// The simulation

interface SessionPlan {
  start: number;
  actions: number;
}

interface SimPlayer {
  index: number;
  id: string;
  username: string;
  state: PlayerState;
  /** How often this player pursues their quests rather than acting at random. */
  focus: number;
  /** Below this share of their HP they stop fighting and head for the village (some are reckless). */
  flee: number;
  sessions: SessionPlan[];
  nextSession: number;
  sessionId: string | undefined;
  actionsLeft: number;
  /** A quest an NPC offered in the last talk. */
  offered: string | undefined;
}

type Step = { at: number; seq: number; player: SimPlayer; kind: 'start' | 'action' | 'end' };

/** A min-heap of steps by time (then by insertion order). */
class StepQueue {
  private readonly heap: Step[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(step: Omit<Step, 'seq'>): void {
    const item = { ...step, seq: this.seq++ };
    const heap = this.heap;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  pop(): Step | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

const before = (a: Step, b: Step) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

const GREETINGS = ['Hello!', 'Hi there', 'Greetings, friend.', 'Good evening', 'Well met!', 'hey', 'Hail!'];
const TOPIC_TEMPLATES = [
  'What do you know about the {k}?',
  'Tell me about {k}.',
  'Have you heard anything about the {k}?',
  'Can you tell me more about the {k}? Please.',
  'what about {k}',
  'I saw something strange near the {k}. What does it mean?',
];
const QUEST_ASKS = [
  'Do you need help with anything?',
  'Is there any work for me?',
  'Hello! Any task for a traveller?',
  'I am looking for a job, do you need anything?',
];
const SMALL_TALK = [
  'Nice weather today.',
  'How are you?',
  'Thank you for your help, friend.',
  'Goodbye for now.',
  'I am new here.',
  'What a lovely village.',
  'ok',
];
const RUDE = ['You are useless.', 'Shut up, old fool.', 'I hate you'];
const SAYINGS = [
  'Anyone want to team up for the wolves?',
  'Where is the hermit?',
  'lol',
  'Does anyone have a healing potion to spare?',
  'Watch out, the bandits hit hard.',
  'gg',
  'How do I get to the ruins?',
  'The wight is back up, careful.',
  'Selling wolf pelts, cheap!',
  'brb',
  'Hello everyone!',
  'Which way to the smithy?',
];
const JUNK = new Set([
  'wooden-bucket',
  'old-scroll',
  'wolf-pelt',
  'coin-pouch',
  'grave-dust',
  'tallow-candle',
]);
const ADJECTIVES = ['brave', 'quiet', 'swift', 'grim', 'merry', 'red', 'old', 'wild', 'lucky', 'dark', 'sly'];
const NOUNS = ['fox', 'raven', 'oak', 'blade', 'wolf', 'bard', 'smith', 'rogue', 'owl', 'pike', 'moth'];

/**
 * Plays the world and yields windows of appends. `stats` is filled in as it goes (complete once the
 * generator is done).
 */
export async function* generateWorldEvents(
  options: WorldEventsOptions,
  stats: GenerationStats = emptyStats(),
): AsyncGenerator<StreamBatch[]> {
  const simulation = new Simulation(options, stats);
  yield* simulation.run();
}

export function emptyStats(): GenerationStats {
  return {
    events: 0,
    windows: 0,
    streams: 0,
    players_registered: 0,
    sessions: 0,
    actions: 0,
    by_event_type: {},
    by_action_type: {},
    quests_completed: 0,
    player_defeats: 0,
    max_items_lying_in_one_location: 0,
    first_event_at: '',
    last_event_at: '',
    max_players_online: 0,
  };
}

class Simulation {
  private readonly world: World;
  private readonly random: () => number;
  /** The game's own code, over a store in memory: every event of the log is appended by it. */
  private readonly store = new MemoryEventStore((events) => this.appended(events));
  private readonly commands = new CommandHandler(this.store, { now: () => new Date(this.now) });
  private readonly presence = new PresenceProjection();
  private readonly logger = createLogger('silent', false);
  private runtime!: WorldRuntime;
  private sessions!: PlayerSessions;
  private resolver!: ActionResolver;
  /** The simulated clock: what the product's code reads as now. */
  private now = 0;
  private readonly locationStates = new Map<string, LocationState>();
  private readonly online = new Map<string, Set<SimPlayer>>();
  private onlineCount = 0;
  private readonly players: SimPlayer[] = [];
  private readonly queue = new StepQueue();
  private pending: { streamId: string; event: NewEvent }[] = [];
  private readonly streams = new Set<string>();
  private readonly start: number;
  private readonly end: number;
  private lastAt = 0;
  /** Next hop (direction) from one location toward another, by breadth-first search over the exits. */
  private readonly routes = new Map<string, Map<string, Direction>>();
  private readonly enemyHome = new Map<string, string>();
  private readonly dropsOf = new Map<string, string>();

  constructor(
    private readonly options: WorldEventsOptions,
    private readonly stats: GenerationStats,
  ) {
    this.world = options.world;
    this.random = seededRandom(`world-events/${options.seed}`);
    this.end = options.end.getTime();
    this.start = this.end - options.days * 24 * HOUR_MS;
    for (const location of this.world.content.locations) {
      this.routes.set(location.id, this.routesFrom(location.id));
      for (const enemy of location.enemies)
        if (!this.enemyHome.has(enemy)) this.enemyHome.set(enemy, location.id);
    }
    for (const enemy of this.world.content.enemies)
      for (const loot of enemy.loot) if (!this.dropsOf.has(loot.item)) this.dropsOf.set(loot.item, enemy.id);
  }

  async *run(): AsyncGenerator<StreamBatch[]> {
    const { events: target } = this.options;
    await this.startGame(this.start - HOUR_MS);
    this.planPlayers();

    for (;;) {
      if (this.stats.events + this.onlineCount + END_MARGIN >= target) break;
      const step = this.queue.pop();
      if (!step) break;
      await this.play(step);
      if (this.pending.length >= this.options.windowEvents) yield this.flush();
    }
    // Wind down: everyone online leaves, then a few short visits make the count exact.
    let at = this.lastAt;
    for (const players of [...this.online.values()])
      for (const player of [...players]) {
        at += 500 + Math.floor(this.random() * 2_000);
        await this.leave(player, at);
      }
    if (this.stats.events > target)
      throw new Error(`generated ${this.stats.events} events, more than the ${target} asked for`);
    const offline = this.players.filter((p) => p.state.registered && !p.sessionId);
    for (let i = 0; this.stats.events < target; i++) {
      const player = offline[i % offline.length];
      if (!player) throw new Error('no registered player to make the event count exact');
      at += 3_000 + Math.floor(this.random() * 20_000);
      await this.enter(player, at);
      at += 5_000 + Math.floor(this.random() * 30_000);
      if (this.stats.events < target) await this.leave(player, at);
    }
    await this.runtime.stop();
    if (this.pending.length > 0) yield this.flush();
    this.stats.streams = this.streams.size;
    this.stats.players_registered = this.players.filter((p) => p.state.registered).length;
    this.stats.first_event_at = new Date(this.start - HOUR_MS).toISOString();
    this.stats.last_event_at = new Date(this.lastAt).toISOString();
  }

  // --- planning ------------------------------------------------------------------------------

  private planPlayers(): void {
    const { players: count, events } = this.options;
    const perSession = EVENTS_PER_ACTION_ESTIMATE * MEAN_ACTIONS_PER_SESSION + 2;
    const sessions = Math.max(count, Math.ceil(((events - 3 * count) / perSession) * 1.05));
    const weights: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = this.uuid();
      const username = `${pick(this.random, ADJECTIVES)}_${pick(this.random, NOUNS)}${i}`;
      this.players.push({
        index: i,
        id,
        username,
        state: this.runtime.deciders.player.initialState(),
        focus: 0.15 + 0.7 * this.random() ** 0.7,
        flee: 0.3 * this.random(),
        sessions: [],
        nextSession: 0,
        sessionId: undefined,
        actionsLeft: 0,
        offered: undefined,
      });
      weights.push(Math.exp(this.gaussian()));
    }
    // Everyone plays once; the other sessions go to players by how keen they are (heavy-tailed).
    const counts = new Array<number>(count).fill(1);
    const cumulative: number[] = [];
    let sum = 0;
    for (const w of weights) {
      sum += w;
      cumulative.push(sum);
    }
    for (let s = count; s < sessions; s++) {
      const r = this.random() * sum;
      let lo = 0;
      let hi = count - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! < r) lo = mid + 1;
        else hi = mid;
      }
      counts[lo]!++;
    }
    for (const player of this.players) {
      const starts = Array.from({ length: counts[player.index]! }, () => this.sessionStart()).sort(
        (a, b) => a - b,
      );
      player.sessions = starts.map((start) => ({
        start,
        actions: 5 + Math.round(-Math.log(1 - this.random()) * (MEAN_ACTIONS_PER_SESSION - 5)),
      }));
      this.queue.push({ at: player.sessions[0]!.start, player, kind: 'start' });
    }
  }

  /** A moment in the span, busier in the evening (UTC) and quiet at night. */
  private sessionStart(): number {
    for (;;) {
      const at = this.start + this.random() * (this.end - this.start - HOUR_MS);
      const hour = new Date(at).getUTCHours();
      const weight = hour < 6 ? 0.25 : hour < 9 ? 0.5 : hour < 17 ? 0.8 : hour < 23 ? 1 : 0.6;
      if (this.random() < weight) return Math.floor(at);
    }
  }

  // --- steps ---------------------------------------------------------------------------------

  private async play(step: Step): Promise<void> {
    const { player } = step;
    switch (step.kind) {
      case 'start': {
        if (!player.state.registered)
          await this.register(player, step.at - 15_000 - Math.floor(this.random() * 60_000));
        const plan = player.sessions[player.nextSession++]!;
        await this.enter(player, step.at);
        this.stats.sessions++;
        player.actionsLeft = plan.actions;
        this.queue.push({ at: step.at + 1_500 + this.thinkTime(), player, kind: 'action' });
        break;
      }
      case 'action': {
        await this.act(player, step.at);
        if (--player.actionsLeft > 0)
          this.queue.push({ at: step.at + this.thinkTime(), player, kind: 'action' });
        else this.queue.push({ at: step.at + 2_000 + this.thinkTime(), player, kind: 'end' });
        break;
      }
      case 'end': {
        await this.leave(player, step.at);
        const next = player.sessions[player.nextSession];
        if (next) this.queue.push({ at: Math.max(next.start, step.at + 10 * 60_000), player, kind: 'start' });
        break;
      }
    }
  }

  /** The world content recorded by the WorldRuntime, and the services the server builds on it. */
  private async startGame(at: number): Promise<void> {
    this.now = at;
    this.runtime = await WorldRuntime.start(
      this.store,
      this.commands,
      this.world,
      STARTER_WORLD_FILE,
      this.logger,
    );
    this.sessions = new PlayerSessions(this.commands, this.runtime, 'bench-world-events');
    const rules = new RulesEngine();
    // The processor's own resolver, called for each action in turn (no subscription, no checkpoint).
    this.resolver = new ActionResolver({
      commands: this.commands,
      runtime: this.runtime,
      lane: rules,
      rules,
      scenes: new SceneReader(this.commands, this.runtime, this.presence),
      logger: this.logger,
    });
  }

  /** Every appended event: into the log's next window, the counts, and presence (scenes list who is there). */
  private appended(events: readonly StoredEvent[]): void {
    for (const { streamId, revision: _revision, position: _position, ...event } of events) {
      this.pending.push({ streamId, event });
      this.streams.add(streamId);
      this.stats.events++;
      this.stats.by_event_type[event.type] = (this.stats.by_event_type[event.type] ?? 0) + 1;
      if (event.type === 'QuestCompleted') this.stats.quests_completed++;
      else if (event.type === 'PlayerDefeated') this.stats.player_defeats++;
    }
    for (const event of events) this.presence.apply(event);
    this.lastAt = Math.max(this.lastAt, this.now);
  }

  private async register(player: SimPlayer, at: number): Promise<void> {
    const { id: playerId, username } = player;
    this.now = at;
    await this.commands.handle(
      accountStream(username),
      accountDecider,
      { type: 'RegisterAccount', username, playerId },
      { commandId: `register-${playerId}`, playerId },
    );
    this.now = at + 80;
    player.state = (
      await this.commands.handle(
        playerStream(playerId),
        this.runtime.deciders.player,
        { type: 'RegisterPlayer', playerId, username },
        { commandId: `spawn-${playerId}`, playerId },
      )
    ).state;
  }

  private async enter(player: SimPlayer, at: number): Promise<void> {
    const sessionId = this.uuid();
    this.now = at;
    player.state = await this.sessions.enter(player.id, sessionId);
    player.sessionId = sessionId;
    this.setOnline(player, true);
  }

  private async leave(player: SimPlayer, at: number): Promise<void> {
    const sessionId = player.sessionId;
    if (!sessionId) return;
    this.now = at;
    await this.sessions.leave(player.id, sessionId);
    player.state = await this.sessions.state(player.id);
    this.setOnline(player, false);
    player.sessionId = undefined;
  }

  /** One action, as the gateway requests it and the server's ActionProcessor resolves it. */
  private async act(player: SimPlayer, requestedAt: number): Promise<void> {
    const at = new Date(requestedAt);
    const action = actionSchema.parse(this.chooseAction(player, at));
    this.stats.actions++;
    this.stats.by_action_type[action.action_type] = (this.stats.by_action_type[action.action_type] ?? 0) + 1;
    this.now = requestedAt;
    const { actionId } = await this.sessions.requestAction(player.id, action, { at, actionId: this.uuid() });
    const stream = playerStream(player.id);
    const request = (await this.store.readStream(stream, { direction: 'backwards', maxCount: 8 })).find(
      (event) =>
        event.type === 'ActionRequested' && (event.data as { actionId: string }).actionId === actionId,
    );
    if (!request) throw new Error(`action ${actionId} was not recorded`);
    // The lane handler picks the action up a few milliseconds later; the rule engine answers at once.
    this.now = requestedAt + 6 + Math.floor(this.random() * 40);
    const before = player.state.locationId;
    await this.resolver.resolve(request);
    player.state = await this.sessions.state(player.id);
    this.locationStates.set(
      before,
      (await this.commands.current(locationStream(before), this.runtime.deciders.location(before)))
        .state as LocationState,
    );
    this.stats.max_items_lying_in_one_location = Math.max(
      this.stats.max_items_lying_in_one_location,
      this.locationStates.get(before)!.items.length,
    );
    if (player.state.locationId !== before) this.moveOnline(player, before);
    const resolved = (await this.store.readStream(stream, { direction: 'backwards', maxCount: 30 })).find(
      (event) =>
        event.type === 'ActionResolved' && (event.data as { actionId: string }).actionId === actionId,
    );
    const offer = (resolved?.data as { result?: { quest_offer?: { id: string } } } | undefined)?.result
      ?.quest_offer;
    player.offered = offer?.id;
  }

  // --- what players choose to do ----------------------------------------------------------------

  private chooseAction(player: SimPlayer, at: Date): Record<string, unknown> {
    const world = this.world;
    const state = player.state;
    const here = state.locationId;
    const location = requireLocation(world, here);
    const items = this.locationState(here).items;
    const enemies = enemiesPresent(world, this.locationState(here), at);
    const npcs = npcsAt(world, here, at);
    const consumables = state.inventory.filter((id) => world.items.get(id)?.use);

    if (state.hp < state.maxHp * 0.4 && consumables.length > 0 && this.random() < 0.9)
      return { action_type: 'use', item: this.itemWord(pick(this.random, consumables)) };
    if (player.offered && this.random() < 0.8) {
      const quest = world.quests.get(player.offered);
      if (quest)
        return { action_type: 'quest', op: 'accept', ...(this.random() < 0.6 ? { quest: quest.name } : {}) };
    }
    const wanted = items.find((id) => this.wants(player, id));
    if (wanted && state.inventory.length < 12 && this.random() < 0.8)
      return { action_type: 'take', item: this.itemWord(wanted) };
    if (this.random() < player.focus) {
      const goal = this.goalAction(
        player,
        at,
        npcs,
        enemies.map((e) => e.enemy.id),
        items,
      );
      if (goal) return goal;
    }

    const options: [number, () => Record<string, unknown>][] = [
      [18, () => this.randomMove(here)],
      [13, () => ({ action_type: 'look' })],
      [5, () => ({ action_type: 'inventory' })],
      [4, () => ({ action_type: 'quest' })],
      [4, () => ({ action_type: 'say', message: pick(this.random, SAYINGS) })],
      [2, () => this.failingAction(here, npcs)],
    ];
    if (npcs.length > 0) options.push([30, () => this.talk(pick(this.random, npcs))]);
    if (enemies.length > 0 && !location.safe)
      options.push([14, () => ({ action_type: 'attack', target: pick(this.random, enemies).enemy.name })]);
    if (items.length > 0 && state.inventory.length < 12)
      options.push([8, () => ({ action_type: 'take', item: this.itemWord(pick(this.random, items)) })]);
    if (state.inventory.length > 0) {
      const junk = state.inventory.filter((id) => JUNK.has(id));
      const droppable = junk.length > 0 ? junk : state.inventory;
      options.push([
        state.inventory.length > 6 ? 8 : 2,
        () => ({ action_type: 'drop', item: this.itemWord(pick(this.random, droppable)) }),
      ]);
      options.push([
        2,
        () => ({ action_type: 'use', item: this.itemWord(pick(this.random, state.inventory)) }),
      ]);
    }
    if (consumables.length > 0 && state.hp < state.maxHp)
      options.push([4, () => ({ action_type: 'use', item: this.itemWord(pick(this.random, consumables)) })]);
    const active = Object.entries(state.quests).filter(([, q]) => q.status === 'active');
    if (active.length > 0 && this.random() < 0.05)
      options.push([
        1,
        () => ({ action_type: 'quest', op: 'abandon', quest: world.quests.get(active[0]![0])?.name ?? '' }),
      ]);

    const total = options.reduce((sum, [w]) => sum + w, 0);
    let roll = this.random() * total;
    for (const [weight, make] of options) {
      roll -= weight;
      if (roll < 0) return make();
    }
    return { action_type: 'look' };
  }

  /** What a player pursuing their quests does next, or undefined when there is nothing to pursue. */
  private goalAction(
    player: SimPlayer,
    at: Date,
    npcs: Npc[],
    enemies: string[],
    items: readonly string[],
  ): Record<string, unknown> | undefined {
    const world = this.world;
    const state = player.state;
    const here = state.locationId;
    const hour = worldTime(world, at).hourOfDay;
    const location = requireLocation(world, here);
    if (state.hp < state.maxHp * player.flee && !location.safe)
      return this.toward(here, world.content.startLocation);
    const talkTo = (npc: Npc, message: string) => {
      const where = npcLocationAt(npc, hour);
      return where === here && npcs.some((n) => n.id === npc.id)
        ? { action_type: 'talk', npc: this.npcWord(npc), message }
        : this.toward(here, where);
    };
    const hunt = (enemyId: string) => {
      const home = this.enemyHome.get(enemyId);
      if (!home) return undefined;
      if (home !== here) return this.toward(here, home);
      if (enemies.includes(enemyId))
        return { action_type: 'attack', target: world.enemies.get(enemyId)?.name ?? enemyId };
      return { action_type: 'look' };
    };

    const active = Object.entries(state.quests).find(([, q]) => q.status === 'active');
    if (active) {
      const quest = world.quests.get(active[0]);
      const step = quest?.steps[active[1].step];
      if (!quest || !step) return undefined;
      const condition = step.condition;
      switch (condition.type) {
        case 'talk': {
          const npc = world.npcs.get(condition.npc)!;
          const keyword = pick(this.random, pick(this.random, npc.knowledge).keywords);
          return talkTo(npc, pick(this.random, TOPIC_TEMPLATES).replace('{k}', keyword));
        }
        case 'visit':
          return this.toward(here, condition.location);
        case 'defeat':
          return hunt(condition.enemy);
        case 'have':
          if (items.includes(condition.item))
            return { action_type: 'take', item: this.itemWord(condition.item) };
          return this.dropsOf.has(condition.item) ? hunt(this.dropsOf.get(condition.item)!) : undefined;
        case 'deliver': {
          const npc = world.npcs.get(condition.npc)!;
          if (state.inventory.includes(condition.item)) {
            const where = npcLocationAt(npc, hour);
            if (where !== here || !npcs.some((n) => n.id === npc.id)) return this.toward(here, where);
            return { action_type: 'use', item: this.itemWord(condition.item), target: this.npcWord(npc) };
          }
          if (items.includes(condition.item))
            return { action_type: 'take', item: this.itemWord(condition.item) };
          const enemy = this.dropsOf.get(condition.item);
          return enemy ? hunt(enemy) : undefined;
        }
      }
    }
    const open = world.content.quests.find(
      (q) => !state.quests[q.id] && (!q.requires || state.quests[q.requires]?.status === 'completed'),
    );
    if (open) {
      const giver = world.npcs.get(open.giver)!;
      return talkTo(giver, pick(this.random, QUEST_ASKS));
    }
    // Every quest done: the bandits are still worth their xp.
    return this.random() < 0.5 ? hunt('forest-bandit') : undefined;
  }

  /** Items worth picking up: what a step needs, a better weapon, armor, food when short of it. */
  private wants(player: SimPlayer, itemId: string): boolean {
    const world = this.world;
    const item = world.items.get(itemId);
    if (!item) return false;
    const inventory = player.state.inventory;
    if (item.kind === 'quest') return !inventory.includes(itemId);
    if (item.kind === 'weapon') {
      const best = Math.max(0, ...inventory.map((id) => world.items.get(id)?.damage?.max ?? 0));
      return (item.damage?.max ?? 0) > best;
    }
    if (item.kind === 'armor') return !inventory.includes(itemId);
    if (item.kind === 'consumable') return inventory.filter((id) => world.items.get(id)?.use).length < 3;
    return itemId === 'spider-silk' && !inventory.includes(itemId);
  }

  private talk(npc: Npc): Record<string, unknown> {
    const roll = this.random();
    let message: string;
    if (roll < 0.22) message = pick(this.random, GREETINGS);
    else if (roll < 0.62) {
      const keyword = pick(this.random, pick(this.random, npc.knowledge).keywords);
      message = pick(this.random, TOPIC_TEMPLATES).replace('{k}', keyword);
    } else if (roll < 0.72) message = pick(this.random, QUEST_ASKS);
    else if (roll < 0.8) {
      const other = pick(
        this.random,
        this.world.content.npcs.filter((n) => n.id !== npc.id),
      );
      message = `What do you think of ${other.name.split(' ').at(-1)}?`;
    } else if (roll < 0.98) message = pick(this.random, SMALL_TALK);
    else message = pick(this.random, RUDE);
    return { action_type: 'talk', npc: this.npcWord(npc), message };
  }

  private randomMove(here: string): Record<string, unknown> {
    const exits = Object.entries(requireLocation(this.world, here).exits);
    const [direction, to] = pick(this.random, exits);
    const roll = this.random();
    if (roll < 0.12) return { action_type: 'move', to: this.world.locations.get(to)?.name ?? to };
    if (roll < 0.3) return { action_type: 'move', direction: direction[0] };
    return { action_type: 'move', direction };
  }

  private toward(here: string, target: string): Record<string, unknown> | undefined {
    if (here === target) return undefined;
    const direction = this.routes.get(here)?.get(target);
    return direction ? { action_type: 'move', direction } : undefined;
  }

  /** Actions that fail: a wall, an NPC who is elsewhere, an item that is not there, a made-up foe. */
  private failingAction(here: string, npcs: Npc[]): Record<string, unknown> {
    const exits = requireLocation(this.world, here).exits;
    const roll = this.random();
    if (roll < 0.35) {
      const walls = ['north', 'south', 'east', 'west', 'up', 'down'].filter((d) => !(d in exits));
      return { action_type: 'move', direction: walls.length > 0 ? pick(this.random, walls) : 'north' };
    }
    if (roll < 0.6) {
      const absent = this.world.content.npcs.filter((n) => !npcs.includes(n));
      if (absent.length > 0)
        return { action_type: 'talk', npc: this.npcWord(pick(this.random, absent)), message: 'hello' };
    }
    if (roll < 0.8)
      return { action_type: 'take', item: pick(this.random, ['sword', 'gold', 'torch', 'key']) };
    return { action_type: 'attack', target: pick(this.random, ['dragon', 'goblin', 'troll']) };
  }

  /** How a player names an item: its full name, or its last word. */
  private itemWord(itemId: string): string {
    const name = this.world.items.get(itemId)?.name ?? itemId;
    return this.random() < 0.5 ? name : name.split(' ').at(-1)!;
  }

  private npcWord(npc: Npc): string {
    const roll = this.random();
    if (roll < 0.4) return npc.name;
    const first = npc.name.split(' ')[0]!;
    return roll < 0.8 ? first : first.toLowerCase();
  }

  // --- state and output ----------------------------------------------------------------------

  private flush(): StreamBatch[] {
    const byStream = new Map<string, NewEvent[]>();
    for (const { streamId, event } of this.pending) {
      const list = byStream.get(streamId);
      if (list) list.push(event);
      else byStream.set(streamId, [event]);
    }
    this.pending = [];
    this.stats.windows++;
    return [...byStream].map(([streamId, events]) => ({ streamId, events }));
  }

  private locationState(locationId: string): LocationState {
    let state = this.locationStates.get(locationId);
    if (!state) {
      state = this.runtime.deciders.location(locationId).initialState();
      this.locationStates.set(locationId, state);
    }
    return state;
  }

  private onlineAt(locationId: string): Set<SimPlayer> {
    let set = this.online.get(locationId);
    if (!set) {
      set = new Set();
      this.online.set(locationId, set);
    }
    return set;
  }

  private setOnline(player: SimPlayer, online: boolean): void {
    const set = this.onlineAt(player.state.locationId);
    if (online && !set.has(player)) {
      set.add(player);
      this.onlineCount++;
      this.stats.max_players_online = Math.max(this.stats.max_players_online, this.onlineCount);
    } else if (!online && set.delete(player)) this.onlineCount--;
  }

  private moveOnline(player: SimPlayer, from: string): void {
    if (!this.online.get(from)?.delete(player)) return;
    this.onlineAt(player.state.locationId).add(player);
  }

  private routesFrom(from: string): Map<string, Direction> {
    const first = new Map<string, Direction>();
    const queue: string[] = [];
    for (const [direction, to] of Object.entries(requireLocation(this.world, from).exits) as [
      Direction,
      string,
    ][]) {
      if (!first.has(to)) {
        first.set(to, direction);
        queue.push(to);
      }
    }
    while (queue.length > 0) {
      const at = queue.shift()!;
      for (const to of Object.values(requireLocation(this.world, at).exits)) {
        if (to === from || first.has(to)) continue;
        first.set(to, first.get(at)!);
        queue.push(to);
      }
    }
    return first;
  }

  // --- randomness ----------------------------------------------------------------------------

  /** 1.2-90 s, mostly 3-12 s: reading, thinking, typing. */
  private thinkTime(): number {
    return Math.round(Math.min(90_000, Math.max(1_200, 6_000 * Math.exp(0.6 * this.gaussian()))));
  }

  private gaussian(): number {
    const u = 1 - this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.random());
  }

  /** A version 4 UUID from the seeded stream (actions, sessions and players get random ids in the game). */
  private uuid(): string {
    const hex: string[] = [];
    for (let i = 0; i < 4; i++)
      hex.push(
        Math.floor(this.random() * 0x100000000)
          .toString(16)
          .padStart(8, '0'),
      );
    const s = hex.join('');
    const variant = ((Number.parseInt(s[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${variant}${s.slice(17, 20)}-${s.slice(20, 32)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Loading into PostgreSQL

export interface LoadStats {
  events: number;
  appends: number;
  writers: number;
  seconds: number;
  events_per_s: number;
  max_events_per_append: number;
}

/**
 * Appends the windows in order with `writers` concurrent writers. Each stream always goes through the
 * same writer (assigned round-robin when first seen) with its exact expected revision, so its events
 * land in the order they were generated.
 */
export async function appendWindows(
  store: SqlEventStore,
  windows: readonly StreamBatch[][],
  writers: number,
  onProgress?: (events: number) => void,
): Promise<LoadStats> {
  const writerOf = new Map<string, number>();
  const revisions = new Map<string, Revision>();
  let events = 0;
  let appends = 0;
  let largest = 0;
  const started = performance.now();
  for (const window of windows) {
    const queues: StreamBatch[][] = Array.from({ length: writers }, () => []);
    for (const batch of window) {
      let writer = writerOf.get(batch.streamId);
      if (writer === undefined) {
        writer = writerOf.size % writers;
        writerOf.set(batch.streamId, writer);
      }
      queues[writer]!.push(batch);
    }
    await Promise.all(
      queues.map(async (queue) => {
        for (const { streamId, events: all } of queue) {
          for (let from = 0; from < all.length; from += MAX_EVENTS_PER_APPEND) {
            const batch = all.slice(from, from + MAX_EVENTS_PER_APPEND);
            const revision = revisions.get(streamId) ?? NO_STREAM_REVISION;
            const result = await store.appendToStream(streamId, batch, {
              expectedRevision: revision === NO_STREAM_REVISION ? 'no_stream' : revision,
            });
            revisions.set(streamId, result.nextExpectedRevision);
            events += batch.length;
            appends++;
            largest = Math.max(largest, batch.length);
          }
        }
      }),
    );
    onProgress?.(events);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    events,
    appends,
    writers,
    seconds: round3(seconds),
    events_per_s: Math.round(events / seconds),
    max_events_per_append: largest,
  };
}

export interface GenerateAndLoadOptions {
  databaseUrl: string;
  schema: string;
  events: number;
  players: number;
  seed: string;
  days: number;
  writers: number;
  windowEvents: number;
  /** When the log ends (world time, weather and NPC schedules follow the clock). */
  end: Date;
}

export interface GenerateAndLoadReport {
  generation: { seconds: number; events_per_s: number; heap_used_mib_after: number } & GenerationStats;
  load: LoadStats;
}

/** Generates the whole log in memory (timed alone), then appends it (timed alone). */
export async function generateAndLoad(options: GenerateAndLoadOptions): Promise<GenerateAndLoadReport> {
  const world = await loadWorldFile(STARTER_WORLD_FILE);
  const stats = emptyStats();
  const windows: StreamBatch[][] = [];
  note(`generating ${options.events} events, ${options.players} players, seed ${options.seed}`);
  const started = performance.now();
  let reported = 0;
  for await (const window of generateWorldEvents(
    {
      world,
      events: options.events,
      players: options.players,
      seed: options.seed,
      days: options.days,
      end: options.end,
      windowEvents: options.windowEvents,
    },
    stats,
  )) {
    windows.push(window);
    if (stats.events - reported >= 100_000) {
      reported = stats.events;
      note(`generated ${stats.events} events (${Math.round((performance.now() - started) / 1000)} s)`);
    }
  }
  const generationSeconds = (performance.now() - started) / 1000;
  note(`generated ${stats.events} events in ${generationSeconds.toFixed(1)} s`);

  const database = await openDatabase<EventStoreTables>({
    kind: 'postgres',
    url: options.databaseUrl,
    schema: options.schema,
    poolSize: Math.max(10, options.writers + 2),
  });
  let closeStore: (() => Promise<void>) | undefined;
  try {
    const store = new SqlEventStore(database, { name: 'bench-load' });
    // The store keeps its append connections checked out until closed: the pool cannot end before.
    closeStore = () => store.close();
    let lastNote = 0;
    const load = await appendWindows(store, windows, options.writers, (events) => {
      if (events - lastNote >= 100_000) {
        lastNote = events;
        note(`appended ${events} events`);
      }
    });
    note(`appended ${load.events} events in ${load.seconds} s (${load.events_per_s}/s)`);
    return {
      generation: {
        seconds: round3(generationSeconds),
        events_per_s: Math.round(stats.events / generationSeconds),
        heap_used_mib_after: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
        ...stats,
      },
      load,
    };
  } finally {
    await closeStore?.();
    await database.close();
  }
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function note(message: string): void {
  process.stderr.write(`[world-events] ${message}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      schema: { type: 'string' },
      events: { type: 'string', default: '1000000' },
      players: { type: 'string', default: '2000' },
      seed: { type: 'string', default: 'bench-1' },
      days: { type: 'string', default: '7' },
      end: { type: 'string', default: startOfTodayUtc().toISOString() },
      writers: { type: 'string', default: '8' },
      window: { type: 'string', default: '10000' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (!values.schema) throw new Error('--schema is required (the benchmark creates and drops it)');
  const report = await generateAndLoad({
    databaseUrl: process.env.BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL,
    schema: values.schema,
    events: positiveInteger('--events', values.events),
    players: positiveInteger('--players', values.players),
    seed: values.seed,
    days: Number(values.days),
    end: parseEnd(values.end),
    writers: positiveInteger('--writers', values.writers),
    windowEvents: positiveInteger('--window', values.window),
  });
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

/** Midnight UTC today: the default end of the log, so the same flags give the same log all day. */
function startOfTodayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

function parseEnd(value: string): Date {
  const end = new Date(value);
  if (Number.isNaN(end.getTime())) throw new Error(`--end must be an ISO date-time, got ${value}`);
  return end;
}

export function positiveInteger(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got ${value}`);
  return n;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  });
}
