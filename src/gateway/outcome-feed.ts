import type { WorldRuntime } from '../commands/world-runtime.ts';
import type { LocationEvent } from '../domain/location/location.ts';
import type { ActionResult, PlayerEvent, ResultSource } from '../domain/player/player.ts';
import { ConsumerRunner } from '../infrastructure/consumers/consumer-runner.ts';
import type { EventStore, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { createLogger, type Logger } from '../infrastructure/logger.ts';
import type { PresenceProjection } from '../projections/presence.ts';

export interface ResolvedAction {
  actionId: string;
  result: ActionResult;
  source: ResultSource;
}

export interface Broadcast {
  event: string;
  text: string;
  [field: string]: unknown;
}

export interface FeedListener {
  resolved(action: ResolvedAction): void;
  /** For the players at a location except the one who caused it (see BroadcastHub). */
  broadcast(locationId: string, message: Broadcast, exceptPlayerId?: string): void;
}

const FEED_EVENT_TYPES = [
  'ActionResolved',
  'PlayerMoved',
  'PlayerEnteredWorld',
  'PlayerLeftWorld',
  'PlayerSaid',
  'PlayerDefeated',
  'PlayerRespawned',
  'EnemyDamaged',
  'EnemyDefeated',
];

/**
 * The gateway's view of outcomes: an in-memory consumer, from the end of the log at its start, that
 * hands each resolved action to whoever waits for it, and tells the players nearby when someone
 * arrives, leaves or appears. It names the location, not the recipients: who is there is read when the
 * broadcast is sent. Each event after its start is handed on once, in order; a listener that throws
 * costs that event only.
 */
export class OutcomeFeed {
  private readonly consumer: ConsumerRunner;
  private started: Promise<void> | undefined;

  constructor(
    store: EventStore,
    private readonly presence: PresenceProjection,
    private readonly runtime: WorldRuntime,
    private readonly listener: FeedListener,
    private readonly logger: Logger = createLogger('warn', false),
  ) {
    this.consumer = new ConsumerRunner({
      name: 'outcome-feed',
      store,
      filter: { eventTypes: FEED_EVENT_TYPES },
      logger,
      sink: {
        delivery: 'in-memory',
        from: 'end',
        handle: (batch) => {
          for (const event of batch.events) this.dispatchSafely(event);
        },
      },
    });
  }

  /** Resolves once the end is known: every event appended after that is fed. */
  start(): Promise<void> {
    this.started = this.consumer.start();
    return this.started;
  }

  async stop(): Promise<void> {
    await this.started?.catch(() => {});
    await this.consumer.stop();
  }

  private dispatchSafely(event: StoredEvent): void {
    try {
      this.dispatch(event);
    } catch (error) {
      this.logger.error({ err: error, eventId: event.id, type: event.type }, 'feeding an outcome failed');
    }
  }

  private tell(locationId: string, exceptPlayerId: string, message: Broadcast): void {
    this.listener.broadcast(locationId, message, exceptPlayerId);
  }

  private dispatch(stored: StoredEvent): void {
    const event = stored as unknown as PlayerEvent | LocationEvent;
    const name = (playerId: string) => this.presence.username(playerId) ?? 'someone';
    const place = (locationId: string) => this.runtime.world.locations.get(locationId)?.name ?? locationId;
    switch (event.type) {
      case 'ActionResolved':
        this.listener.resolved(event.data);
        break;
      case 'PlayerMoved': {
        const { playerId, from, to, direction } = event.data;
        this.tell(from, playerId, {
          event: 'player_left',
          player: name(playerId),
          text: `${name(playerId)} leaves ${direction}, toward ${place(to)}.`,
        });
        this.tell(to, playerId, {
          event: 'player_arrived',
          player: name(playerId),
          text: `${name(playerId)} arrives from ${place(from)}.`,
        });
        break;
      }
      case 'PlayerSaid': {
        const { playerId, locationId, message } = event.data;
        this.tell(locationId, playerId, {
          event: 'player_said',
          player: name(playerId),
          message,
          text: `${name(playerId)} says: "${message}"`,
        });
        break;
      }
      case 'EnemyDamaged': {
        const { playerId, locationId, enemyId, damage } = event.data;
        const enemy = this.runtime.world.enemies.get(enemyId)?.name ?? enemyId;
        this.tell(locationId, playerId, {
          event: 'combat',
          player: name(playerId),
          enemy,
          text: `${name(playerId)} strikes the ${enemy} for ${damage} damage.`,
        });
        break;
      }
      case 'EnemyDefeated': {
        const { playerId, locationId, enemyId } = event.data;
        const enemy = this.runtime.world.enemies.get(enemyId)?.name ?? enemyId;
        this.tell(locationId, playerId, {
          event: 'combat',
          player: name(playerId),
          enemy,
          text: `${name(playerId)} has slain the ${enemy}!`,
        });
        break;
      }
      case 'PlayerDefeated': {
        const { playerId, locationId } = event.data;
        this.tell(locationId, playerId, {
          event: 'player_defeated',
          player: name(playerId),
          text: `${name(playerId)} falls!`,
        });
        break;
      }
      case 'PlayerRespawned': {
        const { playerId, locationId } = event.data;
        this.tell(locationId, playerId, {
          event: 'player_appeared',
          player: name(playerId),
          text: `${name(playerId)} stumbles in, pale and shaken.`,
        });
        break;
      }
      case 'PlayerEnteredWorld':
      case 'PlayerLeftWorld': {
        const locationId = this.presence.locationOf(event.data.playerId);
        if (!locationId) break;
        const entered = event.type === 'PlayerEnteredWorld';
        this.tell(locationId, event.data.playerId, {
          event: entered ? 'player_appeared' : 'player_vanished',
          player: name(event.data.playerId),
          text: entered
            ? `${name(event.data.playerId)} appears.`
            : `${name(event.data.playerId)} fades from view.`,
        });
        break;
      }
    }
  }
}
