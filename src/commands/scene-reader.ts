import { enemiesPresent, type LocationState, locationStream } from '../domain/location/location.ts';
import { npcsAt, weatherAt, worldTime } from '../domain/world/clock.ts';
import { type LocationScene, type LocationView, viewLocation } from '../domain/world/location-view.ts';
import { requireLocation } from '../domain/world/world.ts';
import type { PresenceProjection } from '../projections/presence.ts';
import type { CommandHandler } from './command-handler.ts';
import type { WorldRuntime } from './world-runtime.ts';

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

  async locationState(locationId: string): Promise<LocationState> {
    return (await this.commands.load(locationStream(locationId), this.deciderFor(locationId))).state;
  }

  async scene(
    locationId: string,
    at: Date,
    viewerId?: string,
  ): Promise<LocationScene & { state: LocationState }> {
    const location = requireLocation(this.runtime.world, locationId);
    const state = await this.locationState(locationId);
    return {
      state,
      items: state.items,
      players: this.presence.playersAt(locationId, viewerId),
      npcs: npcsAt(this.runtime.world, locationId, at),
      enemies: enemiesPresent(this.runtime.world, state, at),
      weather: weatherAt(this.runtime.world, location.region, at),
      timeOfDay: worldTime(this.runtime.world, at).timeOfDay,
    };
  }

  async view(locationId: string, at: Date, viewerId?: string): Promise<LocationView> {
    return viewLocation(
      this.runtime.world,
      requireLocation(this.runtime.world, locationId),
      await this.scene(locationId, at, viewerId),
    );
  }
}
