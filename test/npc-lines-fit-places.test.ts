import { describe, expect, it } from 'vitest';
import starterContent from '../content/starter-world.json' with { type: 'json' };
import type { TimeOfDay } from '../src/domain/world/clock.ts';
import { linesFor } from '../src/domain/world/npc-lines.ts';
import { buildWorld } from '../src/domain/world/world.ts';
import type { Npc } from '../src/domain/world/world-schema.ts';

const world = buildWorld(starterContent);
const KINDS = ['greeting', 'farewell', 'smallTalk'] as const;
const TIMES: TimeOfDay[] = ['morning', 'day', 'evening', 'night'];

/** Every line an NPC may say at a place, at any hour and in any weather of its region. */
function linesAt(npc: Npc, locationId: string): string[] {
  const location = world.locations.get(locationId)!;
  const weathers = world.content.regions.find((r) => r.id === location.region)!.weather;
  return KINDS.flatMap((kind) =>
    TIMES.flatMap((timeOfDay) =>
      weathers.flatMap((weather) =>
        linesFor(npc, kind, {
          locationId,
          setting: location.setting ?? 'outdoors',
          timeOfDay,
          weatherId: weather.id,
        }).map((line) => line.text),
      ),
    ),
  );
}

/** Words that belong to some places only: said anywhere else, the line does not fit where the NPC stands. */
const PLACE_WORDS: [places: string[], words: RegExp][] = [
  [['smithy'], /\banvil|\btongs\b|\bsparks\b|forge is|\bhinge\b/i],
  [['tavern'], /\bchair\b|seat warm|door's always open|\bstool\b/i],
  [['village-gate', 'watchtower'], /\bhalt\b|gate's open|sign in/i],
  [['watchtower'], /\bladder\b|\bthe view\b|torches on the wall/i],
  [['rangers-camp'], /\bboar\b|woods are listening|on the path\. Mostly|snare line|mile off/i],
  [['herbalist-cottage'], /\bjars?\b|tinctures|the steam/i],
];

describe('an NPC’s lines fit where they are', () => {
  const npcs = world.content.npcs.filter((npc) => npc.schedule.length > 0);

  it('given each NPC at each place their schedule takes them, then no line speaks of another place’s fixtures', () => {
    expect(npcs.length).toBeGreaterThan(3);
    for (const npc of npcs) {
      const places = new Set([npc.location, ...npc.schedule.map((entry) => entry.location)]);
      for (const place of places) {
        const lines = linesAt(npc, place);
        expect(lines.length, `${npc.id} at ${place}`).toBeGreaterThan(0);
        for (const [homes, words] of PLACE_WORDS) {
          if (homes.includes(place)) continue;
          const misplaced = [...new Set(lines.filter((line) => words.test(line)))];
          expect(misplaced, `${npc.id} at ${place} speaks of the ${homes.join(' or ')}`).toEqual([]);
        }
      }
    }
  });

  it('given Halvard in the tavern, Sylvi in the tavern and Old Tom in the square, then each still greets and says farewell', () => {
    const say = (npcId: string, place: string, kind: 'greeting' | 'farewell') =>
      linesFor(world.npcs.get(npcId)!, kind, {
        locationId: place,
        setting: world.locations.get(place)!.setting ?? 'outdoors',
        timeOfDay: 'night',
        weatherId: 'clear-skies',
      });
    for (const [npcId, place] of [
      ['captain-halvard', 'tavern'],
      ['sylvi', 'tavern'],
      ['old-tom', 'village-square'],
    ] as const) {
      expect(say(npcId, place, 'greeting').length, `${npcId} greets at ${place}`).toBeGreaterThan(0);
      expect(say(npcId, place, 'farewell').length, `${npcId} says farewell at ${place}`).toBeGreaterThan(0);
    }
  });

  it('given Sylvi in the tavern at night, then she does not open with "Evening."', () => {
    const sylvi = world.npcs.get('sylvi')!;
    const night = linesFor(sylvi, 'greeting', {
      locationId: 'tavern',
      setting: 'indoors',
      timeOfDay: 'night',
      weatherId: 'clear-skies',
    });
    expect(night.map((line) => line.text).filter((text) => text.startsWith('Evening'))).toEqual([]);
  });
});
