import type { WorldRuntime } from '../commands/world-runtime.ts';
import type { ActionResult, ResultSource } from '../domain/player/player.ts';
import type { PlayerEventOf } from '../domain/player/player-events.ts';
import { ConsumerRunner } from '../infrastructure/consumers/consumer-runner.ts';
import type { EventStore, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { createLogger, type Logger } from '../infrastructure/logger.ts';
import type { PresenceProjection } from '../projections/presence.ts';
import { PLACE_NEWS_EVENT_TYPES, type PlaceNews, type PlaceNewsContext, placeNews } from './place-news.ts';
import { PRIVATE_NEWS_EVENT_TYPES, type PrivateNews, privateNews } from './private-news.ts';

export interface ResolvedAction {
  actionId: string;
  playerId: string;
  /** The id the client gave the action's frame, when it gave one. */
  frameId?: string;
  result: ActionResult;
  source: ResultSource;
  position: bigint;
}

export interface Broadcast {
  event: string;
  text: string;
  [field: string]: unknown;
}

export interface FeedListener {
  /** Every event fed, with the news it made (before `resolved`, `broadcast` and `tell` are told of it). */
  observed?(stored: StoredEvent, news: readonly PlaceNews[], told: readonly PrivateNews[]): void;
  resolved(action: ResolvedAction): void;
  /** For the players at a location except the one who caused it (see BroadcastHub). */
  broadcast(locationId: string, message: Broadcast, exceptPlayerId: string, position: bigint): void;
  /** For one player alone (a whisper): never for the others where they stand (see private-news.ts). */
  tell?(playerId: string, message: Broadcast, position: bigint): void;
}

/** The events the feed follows (results, and whatever makes news or moves a player). */
export const FEED_EVENT_TYPES = [
  'ActionResolved',
  'PlayerSpawned',
  ...PLACE_NEWS_EVENT_TYPES,
  ...PRIVATE_NEWS_EVENT_TYPES,
];
const PLAYER_STREAM = 'player-';

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

  /** The last event fed (at start: the end of the log then). */
  get position(): bigint {
    return this.consumer.currentPosition;
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

  /** How news are told now (names, places); where a player stands is where presence has them now. */
  readonly context: PlaceNewsContext = {
    name: (playerId) => this.presence.username(playerId) ?? 'someone',
    place: (locationId) => this.runtime.world.locations.get(locationId)?.name ?? locationId,
    enemy: (enemyId) => this.runtime.world.enemies.get(enemyId)?.name ?? enemyId,
    item: (itemId) => this.runtime.world.items.get(itemId)?.name ?? itemId,
    npc: (npcId) => this.runtime.world.npcs.get(npcId)?.name ?? npcId,
    locationOf: (playerId) => this.presence.locationOf(playerId),
  };

  private dispatch(stored: StoredEvent): void {
    const news = newsOf(stored, this.context);
    const told = privateNewsOf(stored, this.context);
    this.listener.observed?.(stored, news, told);
    const resolved = resolvedActionOf(stored);
    if (resolved) {
      this.listener.resolved(resolved);
      return;
    }
    for (const { locationId, actor, broadcast } of news)
      this.listener.broadcast(locationId, broadcast, actor, stored.position);
    for (const { playerId, broadcast } of told) this.listener.tell?.(playerId, broadcast, stored.position);
  }
}

/** An outcome in a player's stream, as the player is sent it; undefined for any other event. */
export function resolvedActionOf(stored: StoredEvent): ResolvedAction | undefined {
  if (stored.type !== 'ActionResolved' || !stored.streamId.startsWith(PLAYER_STREAM)) return undefined;
  const { actionId, result, source } = (stored as unknown as PlayerEventOf<'ActionResolved'>).data;
  const frameId = stored.metadata.frameId;
  return {
    actionId,
    playerId: stored.streamId.slice(PLAYER_STREAM.length),
    ...(typeof frameId === 'string' ? { frameId } : {}),
    result,
    source,
    position: stored.position,
  };
}

/** What the event tells single players, each broadcast carrying the event's position (a decimal string). */
export function privateNewsOf(stored: StoredEvent, context: PlaceNewsContext): PrivateNews[] {
  return privateNews(stored, context).map((told) => ({
    ...told,
    broadcast: { ...told.broadcast, position: String(stored.position) },
  }));
}

/** What the event tells each place, each broadcast carrying the event's position (a decimal string). */
export function newsOf(stored: StoredEvent, context: PlaceNewsContext): PlaceNews[] {
  return placeNews(stored, context).map((told) => ({
    ...told,
    broadcast: { ...told.broadcast, position: String(stored.position) },
  }));
}
