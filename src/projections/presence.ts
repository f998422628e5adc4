import type { PlayerEvent } from '../domain/player/player.ts';
import { ConsumerRunner } from '../infrastructure/consumers/consumer-runner.ts';
import type { EventStore, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { createLogger, type Logger } from '../infrastructure/logger.ts';

const NOBODY: ReadonlySet<string> = new Set();

export const PRESENCE_EVENT_TYPES = [
  'PlayerRegistered',
  'PlayerSpawned',
  'PlayerMoved',
  'PlayerRespawned',
  'PlayerEnteredWorld',
  'PlayerLeftWorld',
];

interface Presence {
  username: string;
  locationId: string;
  /** Open sessions (a player may play from several tabs), each with the process holding its socket. */
  sessions: Map<string, string | undefined>;
}

/**
 * Who is where, in memory: an in-memory consumer from the first player event, rebuilt at every start
 * and kept current by following the log. Every process builds its own copy from the same events.
 *
 * Online players are indexed by location, so asking who is somewhere costs what is there, not what
 * is everywhere; each location's names are kept in order as players come and go (a connect storm
 * into one square must not sort thousands of names for every arrival).
 */
export class PresenceProjection {
  private readonly players = new Map<string, Presence>();
  private readonly onlineAt = new Map<string, Set<string>>();
  /** The names of the players online at each location, kept sorted as they come and go. */
  private readonly sortedNamesAt = new Map<string, string[]>();
  private consumer: ConsumerRunner | undefined;

  apply(event: StoredEvent): void {
    const e = event as unknown as PlayerEvent;
    const current = 'playerId' in e.data ? this.players.get(e.data.playerId) : undefined;
    switch (e.type) {
      case 'PlayerRegistered':
        if (!current)
          this.players.set(e.data.playerId, {
            username: e.data.username,
            locationId: '',
            sessions: new Map(),
          });
        break;
      case 'PlayerSpawned':
      case 'PlayerRespawned':
        if (current) this.moveTo(e.data.playerId, current, e.data.locationId);
        break;
      case 'PlayerMoved':
        if (current) this.moveTo(e.data.playerId, current, e.data.to);
        break;
      case 'PlayerEnteredWorld':
        if (current && !current.sessions.has(e.data.sessionId)) {
          current.sessions.set(e.data.sessionId, e.data.processId);
          if (current.sessions.size === 1) this.index(e.data.playerId, current.locationId);
        }
        break;
      case 'PlayerLeftWorld':
        if (current?.sessions.delete(e.data.sessionId) && current.sessions.size === 0)
          this.unindex(e.data.playerId, current.locationId);
        break;
    }
  }

  /** Open sessions held by none of `liveProcesses` (their process stopped renewing its lease). */
  orphanedSessions(liveProcesses: ReadonlySet<string>): { playerId: string; sessionId: string }[] {
    const orphans: { playerId: string; sessionId: string }[] = [];
    for (const [playerId, presence] of this.players)
      for (const [sessionId, processId] of presence.sessions)
        if (!processId || !liveProcesses.has(processId)) orphans.push({ playerId, sessionId });
    return orphans;
  }

  /** Rebuilds from the first event, resolves once caught up with the store, then follows it live. */
  async start(store: EventStore, logger: Logger = createLogger('warn', false)): Promise<void> {
    if (this.consumer) throw new Error('presence is already started');
    this.clear();
    const consumer = new ConsumerRunner({
      name: 'presence',
      store,
      filter: { eventTypes: PRESENCE_EVENT_TYPES },
      logger,
      sink: {
        delivery: 'in-memory',
        from: 'start',
        handle: (batch) => {
          for (const event of batch.events) this.apply(event);
        },
      },
    });
    this.consumer = consumer;
    try {
      await consumer.start();
      await consumer.caughtUp();
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  private clear(): void {
    this.players.clear();
    this.onlineAt.clear();
    this.sortedNamesAt.clear();
  }

  /** The names of the players online at a location, sorted, the first `limit` of them; without `except`'s own name. */
  playersAt(locationId: string, except?: string, limit = Number.POSITIVE_INFINITY): string[] {
    const names = this.sortedNamesAt.get(locationId) ?? [];
    const own = except !== undefined && this.onlineAt.get(locationId)?.has(except);
    const skip = own ? this.players.get(except)?.username : undefined;
    const result: string[] = [];
    for (const name of names) {
      if (result.length >= limit) break;
      if (name !== skip) result.push(name);
    }
    return result;
  }

  onlineCountAt(locationId: string): number {
    return this.onlineAt.get(locationId)?.size ?? 0;
  }

  /** How many players other than `except` are online at a location. */
  othersCountAt(locationId: string, except?: string): number {
    const here = this.onlineAt.get(locationId);
    if (!here) return 0;
    return here.size - (except !== undefined && here.has(except) ? 1 : 0);
  }

  username(playerId: string): string | undefined {
    return this.players.get(playerId)?.username;
  }

  locationOf(playerId: string): string | undefined {
    return this.players.get(playerId)?.locationId || undefined;
  }

  /** Players with an open session anywhere, and those with one held by `processId` (for metrics). */
  onlineCounts(processId: string): { world: number; process: number } {
    let world = 0;
    let process = 0;
    for (const { sessions } of this.players.values()) {
      if (sessions.size === 0) continue;
      world++;
      for (const holder of sessions.values())
        if (holder === processId) {
          process++;
          break;
        }
    }
    return { world, process };
  }

  isOnline(playerId: string): boolean {
    return (this.players.get(playerId)?.sessions.size ?? 0) > 0;
  }

  /**
   * The players online (at `locationId` only, when given), without `except`, sorted by name. A walk over
   * everyone online (or everyone there): for a player's occasional question, not per event.
   */
  onlinePlayers(
    locationId?: string,
    except?: string,
  ): { playerId: string; username: string; locationId: string }[] {
    const places =
      locationId === undefined ? [...this.onlineAt.values()] : [this.onlinePlayerIdsAt(locationId)];
    const online: { playerId: string; username: string; locationId: string }[] = [];
    for (const playerId of places.flatMap((here) => [...here])) {
      const presence = this.players.get(playerId);
      if (playerId === except || !presence?.sessions.size || !presence.locationId) continue;
      online.push({ playerId, username: presence.username, locationId: presence.locationId });
    }
    return online.sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  }

  /** The locations where at least one player is online. */
  locationsWithPlayersOnline(): Iterable<string> {
    return this.onlineAt.keys();
  }

  /** The live set of the players online at a location: read it, do not keep it. */
  onlinePlayerIdsAt(locationId: string): ReadonlySet<string> {
    return this.onlineAt.get(locationId) ?? NOBODY;
  }

  private moveTo(playerId: string, presence: Presence, locationId: string): void {
    if (presence.locationId === locationId) return;
    const online = presence.sessions.size > 0;
    if (online) this.unindex(playerId, presence.locationId);
    presence.locationId = locationId;
    if (online) this.index(playerId, locationId);
  }

  private index(playerId: string, locationId: string): void {
    if (!locationId) return;
    let here = this.onlineAt.get(locationId);
    if (!here) {
      here = new Set();
      this.onlineAt.set(locationId, here);
    }
    if (here.has(playerId)) return;
    here.add(playerId);
    const username = this.players.get(playerId)?.username;
    if (username === undefined) return;
    let names = this.sortedNamesAt.get(locationId);
    if (!names) {
      names = [];
      this.sortedNamesAt.set(locationId, names);
    }
    names.splice(insertionPoint(names, username), 0, username);
  }

  private unindex(playerId: string, locationId: string): void {
    const here = this.onlineAt.get(locationId);
    if (!here?.delete(playerId)) return;
    if (here.size === 0) this.onlineAt.delete(locationId);
    const names = this.sortedNamesAt.get(locationId);
    const username = this.players.get(playerId)?.username;
    if (!names || username === undefined) return;
    const at = insertionPoint(names, username);
    if (names[at] === username) names.splice(at, 1);
    if (names.length === 0) this.sortedNamesAt.delete(locationId);
  }
}

/** Where `name` is (or would go) in `sorted`, in the default sort order (UTF-16 code units). */
function insertionPoint(sorted: readonly string[], name: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < name) low = middle + 1;
    else high = middle;
  }
  return low;
}
