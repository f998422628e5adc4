import {
  enemiesPresent,
  type LocationState,
  locationDecider,
  locationStream,
} from '../domain/location/location.ts';
import { npcsAt, weatherAt, worldTime } from '../domain/world/clock.ts';
import { type LocationScene, type LocationView, viewLocation } from '../domain/world/location-view.ts';
import { requireLocation, type World } from '../domain/world/world.ts';
import type { PresenceProjection } from '../projections/presence.ts';
import type { CommandHandler } from './command-handler.ts';

/**
 * What a location looks like at a moment: its stream's state (items, enemies), who is there (NPCs by
 * their schedules, players by presence), the region's weather and the time of day.
 */
export class SceneReader {
  private readonly deciders = new Map<string, ReturnType<typeof locationDecider>>();

  constructor(
    private readonly commands: CommandHandler,
    private readonly world: World,
    private readonly presence: PresenceProjection,
  ) {}

  /** One decider per location, so the command handler's state cache recognises it. */
  deciderFor(locationId: string): ReturnType<typeof locationDecider> {
    let decider = this.deciders.get(locationId);
    if (!decider) {
      decider = locationDecider(this.world, locationId);
      this.deciders.set(locationId, decider);
    }
    return decider;
  }

  async locationState(locationId: string): Promise<LocationState> {
    return (await this.commands.load(locationStream(locationId), this.deciderFor(locationId))).state;
  }

  async scene(
    locationId: string,
    at: Date,
    viewerId?: string,
  ): Promise<LocationScene & { state: LocationState }> {
    const location = requireLocation(this.world, locationId);
    const state = await this.locationState(locationId);
    return {
      state,
      items: state.items,
      players: this.presence.playersAt(locationId, viewerId),
      npcs: npcsAt(this.world, locationId, at),
      enemies: enemiesPresent(this.world, state, at),
      weather: weatherAt(this.world, location.region, at),
      timeOfDay: worldTime(this.world, at).timeOfDay,
    };
  }

  async view(locationId: string, at: Date, viewerId?: string): Promise<LocationView> {
    return viewLocation(
      this.world,
      requireLocation(this.world, locationId),
      await this.scene(locationId, at, viewerId),
    );
  }
}
