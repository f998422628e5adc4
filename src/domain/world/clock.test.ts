import { describe, expect, it } from 'vitest';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { npcLocationAt, weatherAt, worldTime } from './clock.ts';

const world = fixtureWorld();

describe('world time and weather', () => {
  it('runs one game hour per minute in the fixture world, with times of day', () => {
    const midnight = new Date(Date.UTC(2026, 10, 25, 0, 0, 0));
    expect(worldTime(world, midnight).hourOfDay).toBe(
      ((Math.floor(midnight.getTime() / 60_000) % 24) + 24) % 24,
    );
    const base = worldTime(world, midnight).hour;
    const hourToDate = (hourOfDay: number) => new Date((base - (base % 24) + hourOfDay) * 60_000);
    expect(worldTime(world, hourToDate(7)).timeOfDay).toBe('morning');
    expect(worldTime(world, hourToDate(13)).timeOfDay).toBe('day');
    expect(worldTime(world, hourToDate(19)).timeOfDay).toBe('evening');
    expect(worldTime(world, hourToDate(23)).timeOfDay).toBe('night');
  });

  it('holds the same weather for everyone during one spell, and draws from the region’s patterns', () => {
    const at = new Date('2026-11-25T12:00:00.000Z');
    expect(weatherAt(world, 'woods', at)).toEqual(weatherAt(world, 'woods', new Date(at.getTime() + 1000)));
    expect(weatherAt(world, 'woods', at).id).toBe('fog');
  });

  it('places an NPC by its schedule, wrapping past midnight', () => {
    const npc = { ...world.npcs.get('elder')!, schedule: [{ from: 22, to: 2, location: 'square' }] };
    expect(npcLocationAt(npc, 23)).toBe('square');
    expect(npcLocationAt(npc, 1)).toBe('square');
    expect(npcLocationAt(npc, 12)).toBe('hut');
  });
});
