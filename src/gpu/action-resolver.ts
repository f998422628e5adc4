import type { CommandHandler } from '../commands/command-handler.ts';
import type { SceneReader } from '../commands/scene-reader.ts';
import type { WorldRuntime } from '../commands/world-runtime.ts';
import { DomainError } from '../domain/decider.ts';
import { locationStream } from '../domain/location/location.ts';
import { type PlayerState, playerStream } from '../domain/player/player.ts';
import { checkEffects, type RefusedEffect } from '../domain/rules/effects.ts';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import type { Logger } from '../infrastructure/logger.ts';
import { actionContext, type MemoryRecaller } from './action-context.ts';
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
import { deliveriesIn, deliveryCommand, deliveryId, withSharers } from './deliveries.ts';
import type { ActionContext, Lane, Proposal } from './lane.ts';
import type { SituationLookup } from './situations/situation-lookup.ts';

export interface ActionResolverDeps {
  commands: CommandHandler;
  runtime: WorldRuntime;
  /** The lane asked first; the rule engine answers when its proposal breaks the rules. */
  lane: Lane;
  rules: Lane;
  scenes: SceneReader;
  memories?: MemoryRecaller;
  /** The situation index's lookup (related snippets in the action context), when switched on. */
  situations?: SituationLookup;
  logger: Logger;
  /**
   * Told of each action resolved by a lane once its outcome is recorded (speculative pre-computation):
   * called without waiting for it, and whatever it throws is logged at debug and otherwise ignored.
   */
  afterResolved?: (context: ActionContext, outcome: Proposal) => void;
}

/**
 * Resolves one requested action: asks a lane for a proposal, has the rules check it, applies what
 * touches a location (items, enemies) to that location's stream, delivers what it brings other players,
 * and lets the player's decider record the rest with the result. Every step's command id derives from
 * the action id, so re-running an action after a crash repeats nothing that already happened.
 */
export class ActionResolver {
  constructor(private readonly deps: ActionResolverDeps) {}

  private get players() {
    return this.deps.runtime.deciders.player;
  }

  /** `failed`: every attempt failed; answer the player with a failure rather than leave the action pending. */
  async resolve(event: StoredEvent, failed = false): Promise<void> {
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
      return this.record(event.streamId, ids, at, await this.deliver(ids, player, done));
    }
    if (failed) {
      const failure = failureProposal(action.action_type);
      return this.record(event.streamId, ids, at, { ...failure, refused: [], defeated: [] });
    }

    let context = await actionContext(this.deps, actionId, action, player, at, event.position);
    let outcome = await this.applyToLocation(await this.propose(context), context);
    if (!outcome) {
      // Someone else changed the location first (took the item, felled the enemy): look again.
      context = await actionContext(this.deps, actionId, action, player, at, event.position);
      outcome = await this.applyToLocation(await this.propose(context, this.deps.rules), context);
      if (!outcome) throw new Error(`the location refused the rules' answer to action ${actionId} as well`);
    }
    await this.record(event.streamId, ids, at, await this.deliver(ids, player, outcome));
    this.tellResolved(context, outcome);
  }

  private tellResolved(context: ActionContext, outcome: Outcome): void {
    try {
      this.deps.afterResolved?.(context, outcome);
    } catch (error) {
      this.deps.logger.debug({ err: error, actionId: context.actionId }, 'afterResolved failed');
    }
  }

  /**
   * What the action brings other players (an item handed over, the other half of a trade, word of an
   * offer, a share in a kill), each to its player's stream before the actor's own record: see
   * deliveries.ts for why this order is crash-safe. Returns the outcome with the sharers of a kill named.
   */
  private async deliver(
    ids: { actionId: string; causationId: string },
    actor: PlayerState,
    outcome: Outcome,
  ): Promise<Outcome> {
    const sharers: string[] = [];
    for (const delivery of outcome.deliveries ?? []) {
      try {
        const handled = await this.deps.commands.handle(
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
        if (delivery.kind === 'share') sharers.push(handled.state.username);
      } catch (error) {
        // Only a player who does not exist refuses a delivery; retrying would never get further.
        if (!(error instanceof DomainError)) throw error;
        this.deps.logger.warn({ err: error, actionId: ids.actionId, delivery }, 'delivery refused');
      }
    }
    return { ...outcome, result: withSharers(outcome.result, sharers) };
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
}
