import { describe, expect, it } from 'vitest';
import starterContent from '../../../content/starter-world.json' with { type: 'json' };
import type { TimeOfDay } from '../../domain/world/clock.ts';
import { viewLocation } from '../../domain/world/location-view.ts';
import { buildWorld } from '../../domain/world/world.ts';
import { narrateLocation } from './describe.ts';
import { weatherLine } from './weather-line.ts';

const world = buildWorld(starterContent);
const TIMES: TimeOfDay[] = ['morning', 'day', 'evening', 'night'];
const SUN = /\b(sun|sunlight|sunlit|daylight)\b/i;
const NIGHT_SKY = /\b(stars?|starlit|moon|moonlight)\b/i;
const SKY_WEATHER = /\b(sun|sunlight|daylight|rain|drizzle|mist|fog|haze|sky|wind|glow)\b/i;

function weatherPart(text: string, regionWeather: string): string {
  // The sentence the weather composer produced: the line after the description.
  return text.split('\n')[2] ?? regionWeather;
}

describe('weather line: coherent with the hour and the place', () => {
  it.each([
    ['night', 'Sunlight falls through the canopy.', 'Night. The dark is deep and still.'],
    ['evening', 'The sky is clear and high.', 'Evening. The light is failing, and shadows lengthen.'],
    ['day', 'A faint glow rises from the carved stars.', 'Daylight. The day is mild and still.'],
    [
      'night',
      'A faint glow rises from the carved stars.',
      'Night. A faint glow rises from the carved stars.',
    ],
    ['day', 'Sunlight falls through the canopy.', 'Daylight. Sunlight falls through the canopy.'],
  ] as const)('given %s and "%s" outdoors, then "%s"', (time, weather, expected) => {
    expect(weatherLine(time, 'outdoors', weather)).toBe(expected);
  });

  it('given an indoor place, then only the weather outside that can be heard', () => {
    expect(weatherLine('day', 'indoors', 'A soft drizzle darkens the thatch.')).toBe(
      'Rain drums on the roof.',
    );
    expect(weatherLine('night', 'indoors', 'A gusty wind rattles shutters.')).toBe(
      'The wind worries at the walls outside.',
    );
    expect(weatherLine('day', 'indoors', 'Sunlight falls through the canopy.')).toBe('');
  });

  it('given an underground place, then no weather at all', () => {
    expect(weatherLine('day', 'underground', 'A cold grave-mist rises.')).toBe('');
  });
});

describe('every starter location, hour and regional weather', () => {
  const cases = world.content.locations.flatMap((location) => {
    const region = world.content.regions.find((r) => r.id === location.region);
    return TIMES.flatMap((time) => (region?.weather ?? []).map((weather) => ({ location, time, weather })));
  });

  it('covers outdoor, indoor and underground places', () => {
    const settings = new Set(world.content.locations.map((l) => l.setting ?? 'outdoors'));
    expect([...settings].sort()).toEqual(['indoors', 'outdoors', 'underground']);
  });

  it.each(cases.map((c) => [c.location.id, c.time, c.weather.id, c] as const))(
    'at %s, %s, %s: no contradiction',
    (_location, _time, _weather, { location, time, weather }) => {
      const view = viewLocation(world, location, {
        items: [],
        players: [],
        npcs: [],
        enemies: [],
        weather,
        timeOfDay: time,
      });
      const setting = location.setting ?? 'outdoors';
      const text = narrateLocation({ ...view, setting });
      const lit = time === 'morning' || time === 'day';
      const sky = weatherPart(text, weather.description);
      if (setting === 'underground') {
        expect(text).not.toContain(weather.description);
        expect(text.split('\n')[2]).not.toMatch(SKY_WEATHER);
        return;
      }
      if (setting === 'indoors') expect(text).not.toContain(weather.description);
      if (!lit) expect(sky).not.toMatch(SUN);
      else expect(sky).not.toMatch(NIGHT_SKY);
      if (!lit) expect(location.timeOfDay[time] ?? '').not.toMatch(SUN);
    },
  );
});
