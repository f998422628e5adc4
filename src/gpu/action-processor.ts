import type { CommandHandler } from '../commands/command-handler.ts';
import type { LocationItems } from '../commands/location-items.ts';
import { type PlayerState, playerDecider } from '../domain/player/player.ts';
import type { World } from '../domain/world/world.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import type { EventStore, StoredEvent, Subscription } from '../infrastructure/event-store/event-store.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { PresenceProjection } from '../projections/presence.ts';
import { CheckpointTracker } from './checkpoint-tracker.ts';
import { KeyedQueue } from './keyed-queue.ts';
import type { ActionContext, Lane, Proposal } from './lane.ts';

export interface ActionProcessorDeps {
  store: EventStore;
  commands: CommandHandler;
  checkpoints: CheckpointStore;
  world: World;
  lane: Lane;
  presence: PresenceProjection;
  locationItems: LocationItems;
  logger: Logger;
  /** Actions resolved at the same time (across players; one at a time per player). */
  concurrency?: number;
}

const CHECKPOINT_NAME = 'lane:actions';
const CHECKPOINT_INTERVAL_MS = 500;
const ATTEMPTS = 3;
const RETRY_DELAY_MS = 100;

/**
 * The lane handler: follows `ActionRequested` events from its checkpoint, asks a lane for a proposal,
 * and lets the player's decider turn it into outcome events. Resolving an action that is no longer
 * pending is a no-op, so replaying from an older checkpoint after a crash changes nothing.
 */
export class ActionProcessor {
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;
  private readonly perPlayer = new KeyedQueue();
  private readonly players;

  constructor(private readonly deps: ActionProcessorDeps) {
    this.players = playerDecider(deps.world);
  }

  async start(): Promise<void> {
    const after = (await this.deps.checkpoints.load(CHECKPOINT_NAME)) ?? 'start';
    const tracker = new CheckpointTracker(after === 'start' ? -1n : after);
    const subscription = this.deps.store.subscribeToAll({
      after,
      filter: { eventTypes: ['ActionRequested'] },
    });
    this.subscription = subscription;
    this.running = this.consume(subscription, tracker);
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    await this.running;
  }

  private async consume(subscription: Subscription, tracker: CheckpointTracker): Promise<void> {
    const concurrency = this.deps.concurrency ?? 64;
    const slots = new Set<Promise<void>>();
    let saved = tracker.safePosition;
    const saveCheckpoint = async () => {
      const safe = tracker.safePosition;
      if (safe > saved) {
        await this.deps.checkpoints.save(CHECKPOINT_NAME, safe);
        saved = safe;
      }
    };
    const timer = setInterval(() => void saveCheckpoint().catch(() => {}), CHECKPOINT_INTERVAL_MS);
    try {
      for await (const event of subscription) {
        while (slots.size >= concurrency) await Promise.race(slots);
        tracker.started(event.position);
        const slot = this.perPlayer
          .run(event.streamId, () => this.resolveWithRetries(event))
          .finally(() => {
            tracker.finished(event.position);
            slots.delete(slot);
          });
        slots.add(slot);
      }
      await Promise.all(slots);
    } finally {
      clearInterval(timer);
      await saveCheckpoint().catch((error) =>
        this.deps.logger.warn({ err: error }, 'could not save checkpoint'),
      );
    }
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
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
      }
    }
    // Answer the player rather than leave the action pending forever.
    await this.resolve(event, 'internal_error').catch((error) =>
      this.deps.logger.error({ err: error, actionEventId: event.id }, 'action left unresolved'),
    );
  }

  private async resolve(event: StoredEvent, failure?: 'internal_error'): Promise<void> {
    const { actionId } = event.data as { actionId: string };
    const { state: player } = await this.deps.commands.load(event.streamId, this.players);
    const action = player.pendingActions[actionId];
    if (!action) return;

    const proposal = failure
      ? this.failureProposal(action.action_type)
      : await this.propose(actionId, action, player);
    const resolved = await this.deps.commands.handle(
      event.streamId,
      this.players,
      { type: 'ResolveAction', actionId, ...proposal },
      {
        commandId: `resolve-${actionId}`,
        correlationId: actionId,
        causationId: event.id,
        playerId: player.playerId,
      },
    );
    const refused = resolved.events.find((e) => e.type === 'ActionResolved')?.data as
      | { refusedEffects: unknown[] }
      | undefined;
    if (refused && refused.refusedEffects.length > 0) {
      this.deps.logger.warn(
        { actionId, lane: this.deps.lane.name, refused: refused.refusedEffects },
        'rules refused proposed effects',
      );
    }
  }

  private async propose(
    actionId: string,
    action: ActionContext['action'],
    player: PlayerState,
  ): Promise<Proposal> {
    const { world, presence } = this.deps;
    const context: ActionContext = {
      actionId,
      action,
      world,
      player,
      itemsHere: await this.deps.locationItems.at(player.locationId),
      playersHere: presence.playersAt(player.locationId, player.playerId),
      itemsAt: (locationId) => this.deps.locationItems.at(locationId),
      playersAt: (locationId) => presence.playersAt(locationId, player.playerId),
    };
    return this.deps.lane.resolve(context);
  }

  private failureProposal(actionType: string): Proposal {
    return {
      effects: [],
      source: 'rules',
      result: {
        action_type: actionType,
        error: 'internal_error',
        narration:
          'The world shimmers for a moment and nothing happens. (The server could not complete this action; try again.)',
      },
    };
  }
}
