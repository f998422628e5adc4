import type { CommandHandler } from '../commands/command-handler.ts';
import type { SceneReader } from '../commands/scene-reader.ts';
import type { WorldRuntime } from '../commands/world-runtime.ts';
import type { Action } from '../domain/actions.ts';
import { DomainError } from '../domain/decider.ts';
import { locationStream } from '../domain/location/location.ts';
import { type PlayerState, playerStream } from '../domain/player/player.ts';
import { checkEffects, type RefusedEffect } from '../domain/rules/effects.ts';
import { worldTime } from '../domain/world/clock.ts';
import { findByName } from '../domain/world/lookup.ts';
import { requireLocation } from '../domain/world/world.ts';
import {
  type ActionPartitions,
  actionsCheckpointOf,
  SHARED_ACTIONS_CHECKPOINT,
} from '../infrastructure/action-partitions.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import { ConsumerRunner, type ConsumerStatus } from '../infrastructure/consumers/consumer-runner.ts';
import type { EventStore, Position, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { ActionAdoption, ownerOf } from './action-adoption.ts';
import {
  defeatedIn,
  failureProposal,
  locationStepId,
  locationSteps,
  lootIn,
  OUTCOME_METADATA,
  type Outcome,
  type RecordedOutcome,
  recordedOutcome,
} from './action-outcome.ts';
import { ActionWorkGroup } from './action-work-group.ts';
import { deliveriesIn, deliveryCommand, deliveryId } from './deliveries.ts';
import type { ActionContext, Lane, Proposal, RecalledMemory } from './lane.ts';

/** What an NPC recalls for a talk; memory failures degrade to "no memories", never to an error. */
export interface MemoryRecaller {
  /** `upTo`: the action's own position; memories of everything before it should be included. */
  recall(request: {
    npcId: string;
    playerId: string;
    query: string;
    at: Date;
    upTo: Position;
  }): Promise<RecalledMemory[]>;
}

export interface ActionProcessorDeps {
  store: EventStore;
  commands: CommandHandler;
  checkpoints: CheckpointStore;
  runtime: WorldRuntime;
  /** The lane asked first; the rule engine answers when its proposal breaks the rules. */
  lane: Lane;
  rules: Lane;
  scenes: SceneReader;
  memories?: MemoryRecaller;
  logger: Logger;
  /** Actions resolved at the same time (across players; one at a time per player). */
  concurrency?: number;
  /** Actions read ahead of the lanes (resolving or waiting their turn); default 10 000. */
  maxInFlight?: number;
  /** How often the checkpoint (below the oldest action in flight) is saved; default 500 ms. */
  checkpointEveryMs?: number;
  /** The pause before retrying a failed action grows by this much per attempt. */
  retryDelayMs?: number;
  /**
   * One of several processes: it resolves only the actions its own players requested (recorded
   * with its process id), from a checkpoint of its own, and adopts those of processes that died.
   * Without it, the processor resolves every action (one process alone, and tests).
   */
  owner?: ActionOwnership;
}

export interface ActionOwnership {
  processId: string;
  partitions: ActionPartitions;
  /** The processes whose lease has not run out. */
  liveProcesses: () => Promise<Set<string>>;
  /** How often to look for actions left by processes that died. */
  adoptEveryMs: number;
  /** How long after a dead process's lease ran out its checkpoint is still watched (see ActionAdoption). */
  keepAdoptedForMs: number;
}

const CHECKPOINT_INTERVAL_MS = 500;
const ATTEMPTS = 3;
const CONCURRENCY = 64;
/** Actions read ahead of the lanes; beyond this the processor stops reading until some finish. */
const MAX_IN_FLIGHT = 10_000;
const RETRY_DELAY_MS = 100;

/**
 * The lane handler: follows `ActionRequested` events from its checkpoint, asks a lane for a proposal,
 * has the rules check it, applies what touches a location (items, enemies) to that location's stream,
 * and lets the player's decider record the rest with the result. Every step's command id derives from
 * the action id, so re-running an action after a crash repeats nothing that already happened.
 *
 * It is a keyed reactor: one player's actions in order, many players' at once (see ConsumerRunner).
 */
export class ActionProcessor {
  private readonly consumer: ConsumerRunner;
  private readonly checkpointName: string;
  private readonly adoption: ActionAdoption | undefined;
  /** On a store with consumer groups (EventStoreDB), several processes share the work through one. */
  private readonly workGroup: ActionWorkGroup | undefined;

  constructor(private readonly deps: ActionProcessorDeps) {
    const { owner, store } = deps;
    this.workGroup =
      owner && store.joinWorkGroup
        ? new ActionWorkGroup(
            store as EventStore & Required<Pick<EventStore, 'joinWorkGroup'>>,
            (event) => this.resolveWithRetries(event),
            deps.logger,
            deps.concurrency ?? CONCURRENCY,
          )
        : undefined;
    this.checkpointName = owner ? actionsCheckpointOf(owner.processId) : SHARED_ACTIONS_CHECKPOINT;
    this.adoption =
      owner && !this.workGroup
        ? new ActionAdoption({
            store: deps.store,
            partitions: owner.partitions,
            processId: owner.processId,
            liveProcesses: owner.liveProcesses,
            resolve: (event) => this.resolveWithRetries(event),
            logger: deps.logger,
            everyMs: owner.adoptEveryMs,
            keepForMs: owner.keepAdoptedForMs,
          })
        : undefined;
    this.consumer = new ConsumerRunner({
      name: this.checkpointName,
      store: deps.store,
      filter: { eventTypes: ['ActionRequested'] },
      logger: deps.logger,
      ...(deps.retryDelayMs !== undefined ? { retryDelayMs: deps.retryDelayMs } : {}),
      sink: {
        delivery: 'keyed-at-least-once',
        checkpoints: deps.checkpoints,
        checkpointName: this.checkpointName,
        keyOf: (event) => event.streamId,
        handle: (event) => (this.owns(event) ? this.resolveWithRetries(event) : Promise.resolve()),
        concurrency: deps.concurrency ?? CONCURRENCY,
        maxInFlight: deps.maxInFlight ?? MAX_IN_FLIGHT,
        checkpointEveryMs: deps.checkpointEveryMs ?? CHECKPOINT_INTERVAL_MS,
      },
    });
  }

  private get players() {
    return this.deps.runtime.deciders.player;
  }

  /** A process's own checkpoint starts at the head: no action before its start is its own. */
  async start(): Promise<void> {
    const { owner } = this.deps;
    if (this.workGroup) {
      const earlier = await this.deps.checkpoints.load(SHARED_ACTIONS_CHECKPOINT);
      return this.workGroup.start(earlier ?? (await this.deps.store.headPosition()));
    }
    if (owner) await owner.partitions.open(this.checkpointName, await this.deps.store.headPosition());
    await this.consumer.start();
    this.adoption?.start();
  }

  /**
   * Lets the actions being resolved finish; those waiting come again after a restart (or, when this
   * is one of several processes, are adopted by another once this one's lease is gone).
   */
  async stop(): Promise<void> {
    if (this.workGroup) return this.workGroup.stop();
    await this.adoption?.stop();
    await this.consumer.stop();
  }

  /** One pass of adopting the actions of processes that died (it also runs every `adoptEveryMs`). */
  adoptOrphans(): Promise<number> {
    return this.adoption?.adopt() ?? Promise.resolve(0);
  }

  private owns(event: StoredEvent): boolean {
    return !this.deps.owner || ownerOf(event) === this.deps.owner.processId;
  }

  /** Position, lag and failures, as every consumer reports them. */
  status(): Promise<ConsumerStatus> {
    return this.consumer.status();
  }

  private async resolveWithRetries(event: StoredEvent): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await this.resolve(event);
        return;
      } catch (error) {
        this.deps.logger.error(
          { err: error, actionEventId: event.id, attempt },
          'resolving an action failed',
        );
        await new Promise((resolve) =>
          setTimeout(resolve, (this.deps.retryDelayMs ?? RETRY_DELAY_MS) * attempt),
        );
      }
    }
    // Answer the player rather than leave the action pending forever. When even that fails (the
    // store is down), the runner retries the event later; the player's later actions wait behind it.
    await this.resolve(event, true);
  }

  private async resolve(event: StoredEvent, failed = false): Promise<void> {
    const { actionId } = event.data as { actionId: string };
    const { state: player } = await this.deps.commands.loadAtLeast(
      event.streamId,
      this.players,
      event.revision,
    );
    const action = player.pendingActions[actionId];
    if (!action) return;
    const at = new Date(event.metadata.timestamp);
    const frameId = typeof event.metadata.frameId === 'string' ? event.metadata.frameId : undefined;
    const ids = { actionId, causationId: event.id, playerId: player.playerId, frameId };

    // A run before this one (before a crash) may have got as far as the location: finish it as it decided.
    const done = await this.locationStepDone(player.locationId, actionId);
    if (done) {
      await this.deliver(ids, player, done);
      return this.record(event.streamId, ids, at, done);
    }
    if (failed) {
      const failure = failureProposal(action.action_type);
      return this.record(event.streamId, ids, at, { ...failure, refused: [], defeated: [] });
    }

    let context = await this.context(actionId, action, player, at, event.position);
    let outcome = await this.applyToLocation(await this.propose(context), context);
    if (!outcome) {
      // Someone else changed the location first (took the item, felled the enemy): look again.
      context = await this.context(actionId, action, player, at, event.position);
      outcome = await this.applyToLocation(await this.propose(context, this.deps.rules), context);
      if (!outcome) throw new Error(`the location refused the rules' answer to action ${actionId} as well`);
    }
    await this.deliver(ids, player, outcome);
    await this.record(event.streamId, ids, at, outcome);
  }

  /**
   * What the action brings other players (an item handed over, the other half of a trade, word of an
   * offer, a share in a kill), each to its player's stream before the actor's own record: see
   * deliveries.ts for why this order is crash-safe.
   */
  private async deliver(
    ids: { actionId: string; causationId: string },
    actor: PlayerState,
    outcome: Outcome,
  ): Promise<void> {
    for (const delivery of outcome.deliveries ?? []) {
      try {
        await this.deps.commands.handle(
          playerStream(delivery.to),
          this.players,
          deliveryCommand(ids.actionId, delivery, actor.username),
          {
            commandId: deliveryId(ids.actionId, delivery),
            correlationId: ids.actionId,
            causationId: ids.causationId,
            playerId: delivery.to,
          },
        );
      } catch (error) {
        // Only a player who does not exist refuses a delivery; retrying would never get further.
        if (!(error instanceof DomainError)) throw error;
        this.deps.logger.warn({ err: error, actionId: ids.actionId, delivery }, 'delivery refused');
      }
    }
  }

  private async locationStepDone(locationId: string, actionId: string): Promise<Outcome | undefined> {
    const events = await this.deps.commands.find(
      locationStream(locationId),
      this.deps.scenes.deciderFor(locationId),
      locationStepId(actionId),
    );
    return events && recordedOutcome(events);
  }

  /**
   * Asks the lane, and lets the rules check every effect it proposes. When they refuse any, the rule
   * engine answers instead: the lane's narration would describe what did not happen (a move to
   * nowhere, a blow out of range), and a player must never read an outcome the world did not allow.
   */
  private async propose(
    context: ActionContext,
    lane = this.deps.lane,
  ): Promise<{ proposal: Proposal; refused: RefusedEffect[] }> {
    const situation = {
      world: this.deps.runtime.world,
      player: context.player,
      location: context.locationState,
      at: context.at,
      playerHere: (playerId: string) => context.online.here().some((other) => other.playerId === playerId),
    };
    const proposal = await lane.resolve(context);
    const checked = checkEffects(situation, proposal.effects);
    if (checked.refused.length === 0) return { proposal, refused: [] };
    this.deps.logger.warn(
      { actionId: context.actionId, lane: lane.name, source: proposal.source, refused: checked.refused },
      'rules refused proposed effects',
    );
    if (lane === this.deps.rules || proposal.source === 'rules')
      return { proposal: { ...proposal, effects: checked.accepted }, refused: checked.refused };
    return { proposal: await this.deps.rules.resolve(context), refused: checked.refused };
  }

  /**
   * What the action does to the location (items, enemies) goes to the location's stream first, in one
   * command whose id derives from the action's: the location decides races for items and enemies, and
   * the checked proposal rides along in the events' metadata, so a re-run after a crash finds it there.
   * Undefined when the location refuses: then nothing was recorded.
   */
  private async applyToLocation(
    checked: { proposal: Proposal; refused: RefusedEffect[] },
    context: ActionContext,
  ): Promise<Outcome | undefined> {
    const { proposal, refused } = checked;
    const result = context.stale ? { ...proposal.result, stale: true } : proposal.result;
    const decided: RecordedOutcome = { effects: proposal.effects, result, source: proposal.source, refused };
    const { playerId, locationId } = context.player;
    const steps = locationSteps(proposal.effects, playerId, context.at, context.actionId);
    if (steps.length === 0) return { ...decided, defeated: [] };
    try {
      const handled = await this.deps.commands.handle(
        locationStream(locationId),
        this.deps.scenes.deciderFor(locationId),
        { type: 'ApplyActionSteps', steps },
        {
          commandId: locationStepId(context.actionId),
          correlationId: context.actionId,
          playerId,
          metadata: { [OUTCOME_METADATA]: decided },
        },
      );
      // An earlier run got there first (this process had not seen it yet): its outcome stands.
      if (handled.alreadyHandled) return recordedOutcome(handled.events);
      return {
        ...decided,
        defeated: defeatedIn(handled.events),
        loot: lootIn(handled.events),
        deliveries: deliveriesIn(handled.events),
      };
    } catch (error) {
      if (error instanceof DomainError) return undefined;
      throw error;
    }
  }

  private async record(
    streamId: string,
    ids: { actionId: string; causationId: string; playerId: string; frameId: string | undefined },
    at: Date,
    outcome: Outcome,
  ): Promise<void> {
    const { effects, defeated, loot, result, source, refused } = outcome;
    const resolved = await this.deps.commands.handle(
      streamId,
      this.players,
      {
        type: 'ResolveAction',
        actionId: ids.actionId,
        effects,
        defeated,
        loot,
        result,
        source,
        at: at.toISOString(),
      },
      {
        commandId: `resolve-${ids.actionId}`,
        correlationId: ids.actionId,
        causationId: ids.causationId,
        playerId: ids.playerId,
        // The client's frame id, so that a replay of the answer (a resume) names the frame it answers.
        ...(ids.frameId === undefined ? {} : { metadata: { frameId: ids.frameId } }),
      },
    );
    const recorded = resolved.events.find((e) => e.type === 'ActionResolved')?.data as
      | { refusedEffects: RefusedEffect[] }
      | undefined;
    if (recorded && recorded.refusedEffects.length + refused.length > 0) {
      this.deps.logger.warn(
        { actionId: ids.actionId, refused: [...refused, ...recorded.refusedEffects] },
        'effects refused',
      );
    }
  }

  private async context(
    actionId: string,
    action: Action,
    player: PlayerState,
    at: Date,
    position: Position,
  ): Promise<ActionContext> {
    const { scenes, memories } = this.deps;
    const world = this.deps.runtime.world;
    const scene = await scenes.scene(player.locationId, at, player);
    const npc = action.action_type === 'talk' ? findByName(scene.npcs, action.npc) : undefined;
    const recalled =
      npc && action.action_type === 'talk' && memories
        ? await memories.recall({
            npcId: npc.id,
            playerId: player.playerId,
            query: action.message,
            at,
            upTo: position,
          })
        : [];
    return {
      actionId,
      action,
      at,
      world,
      player,
      location: requireLocation(world, player.locationId),
      locationState: scene.state,
      itemsHere: scene.items,
      time: worldTime(world, at),
      weather: scene.weather,
      enemiesHere: [...scene.enemies],
      npcsHere: [...scene.npcs],
      playersHere: scene.players,
      ...(scene.playersCount === undefined ? {} : { playersHereCount: scene.playersCount }),
      online: {
        everyone: () => scenes.onlinePlayers(),
        here: () => scenes.onlinePlayers(player.locationId, player.playerId),
      },
      ...(npc ? { npc } : {}),
      memories: recalled,
      stale: scene.stale,
      describe: (locationId) => scenes.scene(locationId, at, player),
    };
  }
}
