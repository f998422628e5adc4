import { describe, expect, it } from 'vitest';
import { starterWorld } from '../testing/starter-world.ts';
import { buildWorld, findExit, WorldContentError } from './world.ts';

describe('world content', () => {
  const world = starterWorld();

  it('loads the starter world', () => {
    expect(world.locations.size).toBeGreaterThanOrEqual(3);
    expect(world.locations.get(world.content.startLocation)).toBeDefined();
  });

  it('finds exits by direction, abbreviation, name or id', () => {
    const square = world.locations.get('village-square')!;
    expect(findExit(world, square, 'north')?.to.id).toBe('elders-hut');
    expect(findExit(world, square, 'n')?.to.id).toBe('elders-hut');
    expect(findExit(world, square, 'The Smithy')?.direction).toBe('east');
    expect(findExit(world, square, 'tavern')?.direction).toBe('west');
    expect(findExit(world, square, 'up')).toBeUndefined();
  });

  it('names the path and the problem of bad content', () => {
    const bad = structuredClone(world.content) as Record<string, unknown> & typeof world.content;
    bad.locations[0]!.exits.north = 'atlantis';
    (bad.items[0] as { weight: unknown }).weight = 'heavy';
    expect(() => buildWorld(bad, 'world.json')).toThrow(WorldContentError);
    expect(() => buildWorld(bad, 'world.json')).toThrow(
      /world.json is invalid:\n {2}at items\[0\]\.weight: /,
    );
    const dangling = structuredClone(world.content);
    dangling.locations[0]!.exits.north = 'atlantis';
    expect(() => buildWorld(dangling)).toThrow('at locations[0].exits.north: unknown location "atlantis"');
  });
});
