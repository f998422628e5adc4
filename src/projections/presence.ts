import type { PlayerEvent } from '../domain/player/player.ts';
import type {
  EventStore,
  Position,
  StoredEvent,
  Subscription,
} from '../infrastructure/event-store/event-store.ts';

const CATCH_UP_PAGE = 1000;

export const PRESENCE_EVENT_TYPES = [
  'PlayerRegistered',
  'PlayerSpawned',
  'PlayerMoved',
  'PlayerEnteredWorld',
  'PlayerLeftWorld',
];

interface Presence {
  username: string;
  locationId: string;
  /** Open sessions: a player may play from several tabs. */
  sessions: number;
}

/**
 * Who is where, in memory: built from the player events at start-up and kept current by a live
 * subscription. Every process builds its own copy from the same events.
 */
export class PresenceProjection {
  private readonly players = new Map<string, Presence>();
  private subscription: Subscription | undefined;
  private position: Position = -1n;

  apply(event: StoredEvent): void {
    const e = event as unknown as PlayerEvent;
    const current = 'playerId' in e.data ? this.players.get(e.data.playerId) : undefined;
    switch (e.type) {
      case 'PlayerRegistered':
        this.players.set(e.data.playerId, { username: e.data.username, locationId: '', sessions: 0 });
        break;
      case 'PlayerSpawned':
        if (current) current.locationId = e.data.locationId;
        break;
      case 'PlayerMoved':
        if (current) current.locationId = e.data.to;
        break;
      case 'PlayerRespawned':
        if (current) current.locationId = e.data.locationId;
        break;
      case 'PlayerEnteredWorld':
        if (current) current.sessions += 1;
        break;
      case 'PlayerLeftWorld':
        if (current) current.sessions = Math.max(0, current.sessions - 1);
        break;
    }
    this.position = event.position;
  }

  /** Catches up with the store, then follows it live in the background. */
  async start(store: EventStore): Promise<void> {
    const filter = { eventTypes: PRESENCE_EVENT_TYPES };
    for (;;) {
      const page = await store.readAll({ after: this.position, filter, maxCount: CATCH_UP_PAGE });
      for (const event of page) this.apply(event);
      if (page.length < CATCH_UP_PAGE) break;
    }
    const subscription = store.subscribeToAll({ after: this.position, filter });
    this.subscription = subscription;
    void (async () => {
      for await (const event of subscription) this.apply(event);
    })();
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
  }

  playersAt(locationId: string, except?: string): string[] {
    const names: string[] = [];
    for (const [playerId, p] of this.players) {
      if (p.sessions > 0 && p.locationId === locationId && playerId !== except) names.push(p.username);
    }
    return names.sort();
  }

  username(playerId: string): string | undefined {
    return this.players.get(playerId)?.username;
  }

  locationOf(playerId: string): string | undefined {
    return this.players.get(playerId)?.locationId || undefined;
  }

  onlinePlayerIdsAt(locationId: string): string[] {
    return [...this.players]
      .filter(([, p]) => p.sessions > 0 && p.locationId === locationId)
      .map(([id]) => id);
  }
}
