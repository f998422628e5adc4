import { describe, expect, it } from 'vitest';
import starterContent from '../content/starter-world.json' with { type: 'json' };
import type { TimeOfDay } from '../src/domain/world/clock.ts';
import { viewLocation } from '../src/domain/world/location-view.ts';
import { buildWorld } from '../src/domain/world/world.ts';
import { narrateLocation } from '../src/gpu/rules/describe.ts';

const world = buildWorld(starterContent);
const TIMES: TimeOfDay[] = ['morning', 'day', 'evening', 'night'];
const HIDES_SKY = /\b(rain|drizzle|fog|mist|haze)\b/i;

/** What a player reads on looking around each place, at each hour, in each weather of its region. */
function everyLook(): { place: string; timeOfDay: TimeOfDay; weather: string; text: string }[] {
  return world.content.locations.flatMap((location) =>
    TIMES.flatMap((timeOfDay) =>
      world.content.regions
        .find((region) => region.id === location.region)!
        .weather.map((weather) => ({
          place: location.id,
          timeOfDay,
          weather: weather.description,
          text: narrateLocation(
            viewLocation(world, location, {
              items: [],
              players: [],
              npcs: [],
              enemies: [],
              weather,
              timeOfDay,
            }),
          ),
        })),
    ),
  );
}

describe('a look fits the hour and the weather', () => {
  const looks = everyLook();

  it('given night or evening, then no sunlight or green daylight is seen anywhere', () => {
    expect(looks.length).toBeGreaterThan(100);
    const dark = looks.filter((look) => look.timeOfDay === 'night' || look.timeOfDay === 'evening');
    for (const look of dark)
      expect(look.text, `${look.place} at ${look.timeOfDay}`).not.toMatch(
        /sunlight|sunshine|daylight|light turns green/i,
      );
  });

  it('given rain, fog or haze, then no sun, moon or stars are seen through it', () => {
    const hidden = looks.filter((look) => HIDES_SKY.test(look.weather) && look.place !== 'barrow-crypt');
    expect(hidden.length).toBeGreaterThan(20);
    for (const look of hidden)
      expect(look.text, `${look.place} at ${look.timeOfDay} in "${look.weather}"`).not.toMatch(
        /sunlight|under the moon|under the stars|one star burns/i,
      );
    // The same places under a clear sky still show it.
    const clearNight = looks.find(
      (look) => look.place === 'village-square' && look.timeOfDay === 'night' && /clear/.test(look.weather),
    );
    expect(clearNight?.text).toContain('under the stars');
  });

  it('given the smithy at night, then its forge is not hot; and no place’s hour line says its keeper is away', () => {
    const smithyAtNight = looks.filter((look) => look.place === 'smithy' && look.timeOfDay === 'night');
    for (const look of smithyAtNight) expect(look.text).not.toMatch(/heat rolls|glowing forge/i);
    // Schedules do not follow the parts of the day (Sylvi leaves her camp at 19, the evening starts at
    // 17): a place's hour line never says its keeper is away; who is here is told from the schedule.
    const away = world.content.locations.flatMap((location) =>
      Object.values(location.timeOfDay).filter((line) => line && /has gone|gone off|gone up/i.test(line)),
    );
    expect(away).toEqual([]);
  });
});
