import { describe, expect, it } from 'vitest';
import { starterWorld } from '../testing/starter-world.ts';
import { currentHint, hintPlaces, type SeenPlace } from './quest-hints.ts';

const world = starterWorld();
const onStep = (step: number, inventory: string[] = []) => ({
  quests: { 'elders-prophecy': { status: 'active' as const, step } },
  inventory,
});
const place = (items: string[], enemies: string[] = []): SeenPlace => ({
  items,
  enemies: enemies.map((id) => ({ enemy: { id } })),
});

describe('quest hints reflect the world as it is now', () => {
  const hunt = world.quests.get('elders-prophecy')!.steps[1]!.hint;

  it('reads only the places the hint points at', () => {
    expect(hintPlaces(world, onStep(1))).toEqual(['wolf-hollow', 'smithy']);
    expect(hintPlaces(world, { quests: {} })).toEqual([]);
  });

  it('tells the hint as written while all it points at is where it says', () => {
    const seen = { 'wolf-hollow': place([], ['grey-wolf']), smithy: place(['rusty-dagger']) };
    expect(currentHint(world, onStep(1), (id) => seen[id as keyof typeof seen])).toBe(hunt);
  });

  it('says the dagger is gone from the Smithy and coming back, and the wolf slain, when they are', () => {
    const seen = { 'wolf-hollow': place([]), smithy: place([]) };
    const hint = currentHint(world, onStep(1), (id) => seen[id as keyof typeof seen]);
    expect(hint).toContain(hunt);
    expect(hint).toContain(
      'The grey wolf at Wolf Hollow was slain not long ago; another will be there before long.',
    );
    expect(hint).toContain(
      'The rusty dagger is no longer at the Smithy — someone took it; another will turn up there before long.',
    );
  });

  it('says so when the player already carries what the hint points at', () => {
    expect(currentHint(world, onStep(1, ['rusty-dagger']), () => place([]))).toContain(
      'You already carry the rusty dagger.',
    );
  });

  it('tells a player who must deliver what they lack where it comes from', () => {
    expect(currentHint(world, onStep(2))).toContain(
      'You do not carry the starglass shard: the grey wolf leaves one when slain.',
    );
    expect(currentHint(world, onStep(2, ['starglass-shard']))).toContain(
      'You already carry the starglass shard.',
    );
  });

  it('has no hint for a player without an active quest', () => {
    expect(currentHint(world, { quests: {}, inventory: [] })).toBeUndefined();
    expect(
      currentHint(world, { quests: { 'elders-prophecy': { status: 'completed', step: 3 } }, inventory: [] }),
    ).toBeUndefined();
  });
});
