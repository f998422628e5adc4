import { whereThePlayerStood } from '../commands/where-the-player-stood.ts';
import type { WorldRuntime } from '../commands/world-runtime.ts';
import type { PlayerEvent } from '../domain/player/player.ts';
import type { EventStore, Position, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import type { PresenceProjection } from '../projections/presence.ts';
import { PLACE_NEWS_EVENT_TYPES, type PlaceNews, type PlaceNewsContext, placeNews } from './place-news.ts';

/** What a spectator's subscription reads: the news, and where players were spawned (for a replay). */
export const SPECTATOR_EVENT_TYPES = [...PLACE_NEWS_EVENT_TYPES, 'PlayerSpawned'];

export interface SpectatorViewDeps {
  store: EventStore;
  presence: PresenceProjection;
  runtime: WorldRuntime;
}

/**
 * What one spectator at a location sees of the log, event by event in position order: exactly what a
 * player standing there is told (placeNews), the player who caused it included.
 *
 * Entering or leaving the world names no place: live, the place is where presence has the player, as
 * for the players there. Replaying (events up to `replayUntil`) presence is the present, not the
 * past, so the place is where the replay last saw the player go, or else where the player's own
 * stream last put them before that event (one read per such player and replay).
 */
export class SpectatorView {
  /** Where the replay has seen players go; dropped once live. */
  private replayed: Map<string, string> | undefined = new Map();
  private readonly context: PlaceNewsContext;

  constructor(
    private readonly deps: SpectatorViewDeps,
    readonly locationId: string,
    private readonly replayUntil: Position,
  ) {
    const { presence, runtime } = deps;
    this.context = {
      name: (playerId) => presence.username(playerId) ?? 'someone',
      place: (id) => runtime.world.locations.get(id)?.name ?? id,
      enemy: (id) => runtime.world.enemies.get(id)?.name ?? id,
      item: (id) => runtime.world.items.get(id)?.name ?? id,
      npc: (id) => runtime.world.npcs.get(id)?.name ?? id,
      locationOf: (playerId) => this.replayed?.get(playerId) ?? presence.locationOf(playerId),
    };
  }

  /** The news of `event` at this location, if any. */
  async see(event: StoredEvent): Promise<PlaceNews | undefined> {
    if (event.position > this.replayUntil) this.replayed = undefined;
    else await this.followReplay(event);
    return placeNews(event, this.context).find((news) => news.locationId === this.locationId);
  }

  private async followReplay(stored: StoredEvent): Promise<void> {
    const replayed = this.replayed!;
    const event = stored as unknown as PlayerEvent;
    switch (event.type) {
      case 'PlayerSpawned':
      case 'PlayerRespawned':
        replayed.set(event.data.playerId, event.data.locationId);
        break;
      case 'PlayerMoved':
        replayed.set(event.data.playerId, event.data.to);
        break;
      case 'PlayerEnteredWorld':
      case 'PlayerLeftWorld':
        if (!replayed.has(event.data.playerId)) {
          // Entering or leaving does not move the player: where they stood before this event.
          const at = await whereThePlayerStood(this.deps.store, stored.streamId, stored.revision - 1n);
          if (at) replayed.set(event.data.playerId, at);
        }
        break;
    }
  }
}

/** One Server-Sent Events message: `event:` the event's type, `id:` its position, `data:` the news. */
export function sseMessage(event: StoredEvent, news: PlaceNews): string {
  return `id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(news.broadcast)}\n\n`;
}
