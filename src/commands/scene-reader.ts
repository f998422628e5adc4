import { type ItemViewer, itemsSeenBy } from '../domain/location/item-placements.ts';
import { enemiesPresent, type LocationState, locationStream } from '../domain/location/location.ts';
import { npcsAt, weatherAt, worldTime } from '../domain/world/clock.ts';
import {
  type LocationScene,
  type LocationView,
  MAX_LISTED_PLAYERS,
  viewLocation,
} from '../domain/world/location-view.ts';
import { requireLocation } from '../domain/world/world.ts';
import type { PresenceProjection } from '../projections/presence.ts';
import type { CommandHandler } from './command-handler.ts';
import type { WorldRuntime } from './world-runtime.ts';

/** How long a scene waits for the store before it makes do with the last state seen. */
const STALE_AFTER_MS = 1_000;

/**
 * What a location looks like at a moment: its stream's state (items, enemies), who is there (NPCs by
 * their schedules, players by presence), the region's weather and the time of day.
 */
export class SceneReader {
  constructor(
    private readonly commands: CommandHandler,
    private readonly runtime: WorldRuntime,
    private readonly presence: PresenceProjection,
  ) {}

  deciderFor(locationId: string) {
    return this.runtime.deciders.location(locationId);
  }

  /** As this process knows it: the state held in memory while the command handler follows the store. */
  async locationState(locationId: string): Promise<LocationState> {
    return (await this.commands.current(locationStream(locationId), this.deciderFor(locationId))).state;
  }

  /**
   * The seed's "database slow → serve stale data with warning": when the store does not answer within
   * STALE_AFTER_MS and an earlier state is at hand, use that and say so.
   */
  private async freshOrCached(locationId: string): Promise<{ state: LocationState; stale: boolean }> {
    const loading = this.locationState(locationId);
    const cached = this.commands.peek<LocationState>(locationStream(locationId), this.deciderFor(locationId));
    if (!cached) return { state: await loading, stale: false };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), STALE_AFTER_MS);
    });
    const state = await Promise.race([loading, late]);
    clearTimeout(timer);
    if (state) return { state, stale: false };
    loading.catch(() => {});
    return { state: cached.state, stale: true };
  }

  /**
   * `viewer`: who looks (their id, or their state when at hand): they are not among the players listed,
   * and they see their own per-player items (with their state: only those they still need).
   */
  async scene(
    locationId: string,
    at: Date,
    viewer?: string | ItemViewer,
  ): Promise<LocationScene & { state: LocationState; stale: boolean }> {
    const location = requireLocation(this.runtime.world, locationId);
    const { state, stale } = await this.freshOrCached(locationId);
    const looker = typeof viewer === 'string' ? { playerId: viewer } : viewer;
    const viewerId = looker?.playerId;
    return {
      state,
      stale,
      items: itemsSeenBy(this.runtime.world, location, state, at, looker),
      players: this.presence.playersAt(locationId, viewerId, MAX_LISTED_PLAYERS),
      playersCount: this.presence.othersCountAt(locationId, viewerId),
      npcs: npcsAt(this.runtime.world, locationId, at),
      enemies: enemiesPresent(this.runtime.world, state, at),
      weather: weatherAt(this.runtime.world, location.region, at),
      timeOfDay: worldTime(this.runtime.world, at).timeOfDay,
    };
  }

  /** The players online (at `locationId` only, when given), without `except`, sorted by name. */
  onlinePlayers(
    locationId?: string,
    except?: string,
  ): { playerId: string; name: string; locationId: string }[] {
    return this.presence
      .onlinePlayers(locationId, except)
      .map(({ playerId, username, locationId }) => ({ playerId, name: username, locationId }));
  }

  async view(locationId: string, at: Date, viewer?: string | ItemViewer): Promise<LocationView> {
    return viewLocation(
      this.runtime.world,
      requireLocation(this.runtime.world, locationId),
      await this.scene(locationId, at, viewer),
    );
  }
}
