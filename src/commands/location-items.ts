import { locationDecider, locationStream } from '../domain/location/location.ts';
import type { World } from '../domain/world/world.ts';
import type { CommandHandler } from './command-handler.ts';

/** What lies at each location: the location stream's state (world content plus items taken and dropped). */
export class LocationItems {
  private readonly deciders = new Map<string, ReturnType<typeof locationDecider>>();

  constructor(
    private readonly commands: CommandHandler,
    private readonly world: World,
  ) {}

  async at(locationId: string): Promise<readonly string[]> {
    let decider = this.deciders.get(locationId);
    if (!decider) {
      decider = locationDecider(this.world, locationId);
      this.deciders.set(locationId, decider);
    }
    return (await this.commands.load(locationStream(locationId), decider)).state.items;
  }
}
