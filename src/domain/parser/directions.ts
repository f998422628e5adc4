import { DIRECTION_LETTERS } from '../world/directions.ts';
import { DIRECTIONS, type Direction } from '../world/world.ts';

/** Every way a player may name one of the world's directions. */
const DIRECTION_WORDS: Record<string, Direction> = {
  ...Object.fromEntries(DIRECTIONS.map((direction) => [direction, direction])),
  ...DIRECTION_LETTERS,
  northward: 'north',
  northwards: 'north',
  southward: 'south',
  southwards: 'south',
  eastward: 'east',
  eastwards: 'east',
  westward: 'west',
  westwards: 'west',
  upstairs: 'up',
  upward: 'up',
  upwards: 'up',
  downstairs: 'down',
  downward: 'down',
  downwards: 'down',
};

/** Directions the world never has: named, they get a clear answer rather than a walk into a wall. */
const DIAGONALS = new Set([
  'ne',
  'nw',
  'se',
  'sw',
  'northeast',
  'northwest',
  'southeast',
  'southwest',
  'north-east',
  'north-west',
  'south-east',
  'south-west',
]);

export function directionOf(word: string): Direction | undefined {
  return Object.hasOwn(DIRECTION_WORDS, word.toLowerCase()) ? DIRECTION_WORDS[word.toLowerCase()] : undefined;
}

export function isDiagonal(word: string): boolean {
  return DIAGONALS.has(word.toLowerCase());
}

/** The spellings a typo of a direction is compared with (single letters are never typos). */
export const DIRECTION_SPELLINGS = Object.keys(DIRECTION_WORDS).filter((word) => word.length > 2);
