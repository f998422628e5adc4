import { describe, expect, it } from 'vitest';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import { type LocationScene, MAX_LISTED_PLAYERS, viewLocation } from '../../domain/world/location-view.ts';
import { requireLocation } from '../../domain/world/world.ts';
import { narrateLocation } from './describe.ts';

const world = fixtureWorld();
const square = requireLocation(world, 'square');

function sceneWith(players: string[]): LocationScene {
  return {
    items: [],
    players,
    npcs: [],
    enemies: [],
    weather: { id: 'clear', description: 'The sky is clear.', weight: 1, combatModifier: 0 },
    timeOfDay: 'day',
  };
}

const crowd = (size: number) =>
  Array.from({ length: size }, (_, i) => `traveller${String(i).padStart(3, '0')}`);

describe('location view of the players present', () => {
  it('lists everyone when they are few', () => {
    const view = viewLocation(world, square, sceneWith(['ayla', 'brannoc']));
    expect(view).toMatchObject({ players: ['ayla', 'brannoc'], players_count: 2 });
    expect(narrateLocation(view)).toContain('Also here: ayla and brannoc.');
  });

  it('names at most a few of a crowd and counts the rest', () => {
    const players = crowd(300);
    const view = viewLocation(world, square, sceneWith(players));
    expect(view.players).toEqual(players.slice(0, MAX_LISTED_PLAYERS));
    expect(view.players_count).toBe(300);
    const text = narrateLocation(view);
    expect(text).toContain(`${players[MAX_LISTED_PLAYERS - 1]} and ${300 - MAX_LISTED_PLAYERS} others.`);
    expect(text).not.toContain(players[MAX_LISTED_PLAYERS]!);
  });

  it('says "one other" for a single unnamed player', () => {
    const view = viewLocation(world, square, sceneWith(crowd(MAX_LISTED_PLAYERS + 1)));
    expect(narrateLocation(view)).toMatch(/ and 1 other\.$/m);
  });
});

describe('what of the weather reaches a place', () => {
  const misty = { id: 'mist', description: 'Mist curls between the trees.', weight: 1, combatModifier: 0 };
  const rain = { id: 'rain', description: 'Rain falls steadily.', weight: 1, combatModifier: 0 };
  const at = (setting: 'outdoors' | 'indoors' | 'underground', weather = misty) =>
    narrateLocation(viewLocation(world, { ...square, setting }, { ...sceneWith([]), weather }));

  it('follows the place’s setting from the content into what is read there', () => {
    expect(viewLocation(world, square, sceneWith([])).setting).toBe('outdoors');
    expect(at('outdoors')).toContain('Mist curls between the trees.');
    expect(at('underground')).not.toMatch(/Mist|Daylight/);
    expect(at('indoors', rain)).toContain('Rain drums on the roof.');
    expect(at('indoors', rain)).not.toContain('Rain falls steadily.');
  });
});

describe('location view of the items and enemies present', () => {
  it('tells alike items once with their count, and an enemy with its article', () => {
    const wolf = world.enemies.get('wolf')!;
    const view = viewLocation(world, square, {
      ...sceneWith([]),
      items: ['fang', 'fang', 'petal'],
      enemies: [{ enemy: { ...wolf, name: 'Black Fox bandit' }, hp: wolf.hp }],
    });
    const text = narrateLocation(view);
    expect(text).toContain('You see a wolf fang (×2) and a moon petal.');
    expect(text).toContain('A Black Fox bandit prowls here, watching you.');
  });
});
