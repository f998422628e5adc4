import type { WorldRuntime } from '../commands/world-runtime.ts';
import type { LocationEvent } from '../domain/location/location.ts';
import type { ActionResult, PlayerEvent, ResultSource } from '../domain/player/player.ts';
import type { EventStore, StoredEvent, Subscription } from '../infrastructure/event-store/event-store.ts';
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
 * The gateway's view of outcomes: one live subscription that hands each resolved action to whoever
 * waits for it, and tells the players nearby when someone arrives, leaves or appears. It names the
 * location, not the recipients: who is there is read when the broadcast is sent.
 */
export class OutcomeFeed {
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly presence: PresenceProjection,
    private readonly runtime: WorldRuntime,
    private readonly listener: FeedListener,
  ) {}

  start(): void {
    const subscription = this.store.subscribeToAll({
      after: 'end',
      filter: { eventTypes: FEED_EVENT_TYPES },
    });
    this.subscription = subscription;
    this.running = (async () => {
      for await (const event of subscription) this.dispatch(event);
    })();
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    await this.running;
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
