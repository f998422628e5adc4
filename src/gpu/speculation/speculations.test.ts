import { describe, expect, it } from 'vitest';
import type { Action } from '../../domain/actions.ts';
import type { Effect } from '../../domain/player/player.ts';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import { speculationsAfter } from './speculations.ts';

const AT = new Date('2024-05-01T12:00:00Z');
const world = fixtureWorld();
const keysAfter = (action: Action, locationId: string, effects: Effect[]) =>
  speculationsAfter(world, { action, locationId, effects }, AT).map((s) => s.key);

describe('what is speculated after an action', () => {
  it('on arrival: the greeting of the NPC there first, then the places around', () => {
    // Given a player in the square, when they walk north into the elder's hut
    const after = speculationsAfter(
      world,
      {
        action: { action_type: 'move', direction: 'north' },
        locationId: 'square',
        effects: [{ kind: 'move', to: 'hut' }],
      },
      AT,
    );
    // Then the elder's public greeting comes first, then the square's description
    expect(after).toEqual([
      {
        key: 'greeting:elder@hut',
        kind: 'greeting',
        lane: 'npc',
        locationId: 'hut',
        action: { action_type: 'talk', npc: 'Elder Zorathian', message: 'hello' },
      },
      {
        key: 'description:square',
        kind: 'description',
        lane: 'world',
        locationId: 'square',
        action: { action_type: 'look' },
      },
    ]);
  });

  it('puts the place just left last: walking back is the least likely', () => {
    // Given a player who walked from the woods into the square (exits: north to the hut, south to the woods)
    const keys = keysAfter({ action_type: 'move', direction: 'north' }, 'woods', [
      { kind: 'move', to: 'square' },
    ]);
    // Then the hut comes before the woods
    expect(keys).toEqual(['description:hut', 'description:woods']);
  });

  it('after a look around: the places around, and no greeting (nobody just arrived)', () => {
    expect(keysAfter({ action_type: 'look' }, 'hut', [])).toEqual(['description:square']);
    expect(keysAfter({ action_type: 'look' }, 'square', [])).toEqual([
      'description:hut',
      'description:woods',
    ]);
  });

  it('nothing after an action that says little about what comes next, nor after a move refused', () => {
    expect(keysAfter({ action_type: 'say', message: 'hi' }, 'square', [])).toEqual([]);
    expect(keysAfter({ action_type: 'move', direction: 'east' }, 'square', [])).toEqual([]);
  });
});
