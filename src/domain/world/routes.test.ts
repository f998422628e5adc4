import { describe, expect, it } from 'vitest';
import { starterWorld } from '../testing/starter-world.ts';
import { routeBetween } from './routes.ts';

const world = starterWorld();

describe('routeBetween', () => {
  it('gives the shortest way as directions', () => {
    expect(routeBetween(world, 'village-square', 'wolf-hollow')).toEqual(['south', 'south', 'south', 'west']);
    expect(routeBetween(world, 'wolf-hollow', 'elders-hut')).toEqual([
      'east',
      'north',
      'north',
      'north',
      'north',
    ]);
  });

  it('is empty from a place to itself', () => {
    expect(routeBetween(world, 'tavern', 'tavern')).toEqual([]);
  });

  it('refuses a place no exit leads to', () => {
    expect(() => routeBetween(world, 'tavern', 'nowhere')).toThrow('no way from tavern to nowhere');
  });
});
