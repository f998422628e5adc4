import type { TimeOfDay } from './clock.ts';
import type { Direction, Enemy, Location, Npc, Weather, World } from './world.ts';

/** What a player sees of a location; the `location` field of action results and of the welcome. */
export interface LocationView {
  id: string;
  name: string;
  region: string;
  description: string;
  /** Under the sky, under a roof or under the ground: what of the weather reaches the place. */
  setting: 'outdoors' | 'indoors' | 'underground';
  time_of_day: TimeOfDay;
  weather: { id: string; description: string };
  exits: { direction: Direction; to: string; name: string }[];
  items: { id: string; name: string }[];
  npcs: { id: string; name: string }[];
  enemies: { id: string; name: string; hp: number; max_hp: number }[];
  /** Other players online there, sorted; at most MAX_LISTED_PLAYERS of them. */
  players: string[];
  /** How many other players are there in all. */
  players_count: number;
}

/** A view names this many players at most: a crowd of hundreds is a count, not a list. */
export const MAX_LISTED_PLAYERS = 20;

export interface LocationScene {
  items: readonly string[];
  /** Other players there, sorted: every one, or the first MAX_LISTED_PLAYERS of them. */
  players: readonly string[];
  /** How many other players are there in all (when `players` is not all of them). */
  playersCount?: number;
  npcs: readonly Npc[];
  enemies: readonly { enemy: Enemy; hp: number }[];
  weather: Weather;
  timeOfDay: TimeOfDay;
}

export function viewLocation(world: World, location: Location, scene: LocationScene): LocationView {
  const timeLine = location.timeOfDay[scene.timeOfDay];
  return {
    id: location.id,
    name: location.name,
    region: world.content.regions.find((r) => r.id === location.region)?.name ?? location.region,
    description: timeLine ? `${location.description} ${timeLine}` : location.description,
    setting: location.setting ?? 'outdoors',
    time_of_day: scene.timeOfDay,
    weather: { id: scene.weather.id, description: scene.weather.description },
    exits: (Object.entries(location.exits) as [Direction, string][]).map(([direction, to]) => ({
      direction,
      to,
      name: world.locations.get(to)?.name ?? to,
    })),
    items: scene.items.map((id) => ({ id, name: world.items.get(id)?.name ?? id })),
    npcs: scene.npcs.map((npc) => ({ id: npc.id, name: npc.name })),
    enemies: scene.enemies.map(({ enemy, hp }) => ({ id: enemy.id, name: enemy.name, hp, max_hp: enemy.hp })),
    players: scene.players.slice(0, MAX_LISTED_PLAYERS),
    players_count: scene.playersCount ?? scene.players.length,
  };
}
