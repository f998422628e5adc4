import { seededRandom } from '../random.ts';
import type { Npc, Weather, World } from './world.ts';

export type TimeOfDay = 'morning' | 'day' | 'evening' | 'night';

export interface WorldTime {
  /** Game hours since the epoch. */
  hour: number;
  hourOfDay: number;
  timeOfDay: TimeOfDay;
}

/** World time runs with real time, `secondsPerGameHour` real seconds to the game hour. */
export function worldTime(world: World, at: Date): WorldTime {
  const hour = Math.floor(at.getTime() / 1000 / world.content.time.secondsPerGameHour);
  const hourOfDay = ((hour % 24) + 24) % 24;
  return { hour, hourOfDay, timeOfDay: timeOfDayAt(hourOfDay) };
}

function timeOfDayAt(hourOfDay: number): TimeOfDay {
  if (hourOfDay >= 6 && hourOfDay < 11) return 'morning';
  if (hourOfDay >= 11 && hourOfDay < 17) return 'day';
  if (hourOfDay >= 17 && hourOfDay < 21) return 'evening';
  return 'night';
}

/** The weather of a region: a weighted draw per spell of `weatherHours`, the same for everyone. */
export function weatherAt(world: World, regionId: string, at: Date): Weather {
  const region = world.content.regions.find((r) => r.id === regionId);
  if (!region) throw new Error(`unknown region ${regionId}`);
  const spell = Math.floor(worldTime(world, at).hour / world.content.time.weatherHours);
  const roll = seededRandom(`${regionId}/${spell}`)() * region.weather.reduce((sum, w) => sum + w.weight, 0);
  let total = 0;
  for (const weather of region.weather) {
    total += weather.weight;
    if (roll < total) return weather;
  }
  return region.weather[region.weather.length - 1]!;
}

/** Where an NPC is at a given time: the schedule entry that covers the hour, else its home. */
export function npcLocationAt(npc: Npc, hourOfDay: number): string {
  for (const entry of npc.schedule) {
    const covers =
      entry.from <= entry.to
        ? hourOfDay >= entry.from && hourOfDay < entry.to
        : hourOfDay >= entry.from || hourOfDay < entry.to;
    if (covers) return entry.location;
  }
  return npc.location;
}

export function npcsAt(world: World, locationId: string, at: Date): Npc[] {
  const { hourOfDay } = worldTime(world, at);
  return world.content.npcs.filter((npc) => npcLocationAt(npc, hourOfDay) === locationId);
}
