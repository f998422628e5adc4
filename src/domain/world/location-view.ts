import type { Direction, Location, World } from './world.ts';

/** What a player sees of a location; the `location` field of action results and of the welcome. */
export interface LocationView {
  id: string;
  name: string;
  region: string;
  description: string;
  exits: { direction: Direction; to: string; name: string }[];
  items: { id: string; name: string }[];
  players: string[];
}

export function viewLocation(
  world: World,
  location: Location,
  itemsHere: readonly string[],
  playersHere: readonly string[],
): LocationView {
  return {
    id: location.id,
    name: location.name,
    region: world.content.regions.find((r) => r.id === location.region)?.name ?? location.region,
    description: location.description,
    exits: (Object.entries(location.exits) as [Direction, string][]).map(([direction, to]) => ({
      direction,
      to,
      name: world.locations.get(to)?.name ?? to,
    })),
    items: itemsHere.map((id) => ({ id, name: world.items.get(id)?.name ?? id })),
    players: [...playersHere],
  };
}
