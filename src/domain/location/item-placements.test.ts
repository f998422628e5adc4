import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { buildWorld, requireLocation } from '../world/world.ts';
import { itemsSeenBy, perPlayerItems } from './item-placements.ts';
import { type LocationEvent, locationDecider } from './location.ts';

/** The fixture world, with the square's healing herb coming back two minutes after it is taken. */
const world = (() => {
  const content = structuredClone(fixtureWorld().content);
  content.locations[0]!.itemRespawns = { herb: 120 };
  return buildWorld(content);
})();
const square = deciderSpec(locationDecider(world, 'square'));
const woods = deciderSpec(locationDecider(world, 'woods'));
const at = '2026-11-25T12:00:00.000Z';
const later = (seconds: number) => new Date(Date.parse(at) + seconds * 1000).toISOString();

const took = (itemId: string, playerId: string, when = at, locationId = 'square'): LocationEvent => ({
  type: 'ItemPickedUp',
  data: { locationId, itemId, playerId, at: when },
});
const dropped = (itemId: string, playerId: string, when: string): LocationEvent => ({
  type: 'ItemDropped',
  data: { locationId: 'square', itemId, playerId, at: when },
});

describe('placed items come back where the content says', () => {
  it('brings a taken herb back after its respawn time, not before', () => {
    square
      .given([took('herb', 'p1')])
      .when({ type: 'PickUpItem', itemId: 'herb', playerId: 'p2', at: later(119) })
      .thenRefuses('item_not_here');
    square
      .given([took('herb', 'p1')])
      .when({ type: 'PickUpItem', itemId: 'herb', playerId: 'p2', at: later(120) })
      .then([took('herb', 'p2', later(120))]);
  });

  it('starts the wait again when the herb that came back is taken', () => {
    const given = [took('herb', 'p1'), took('herb', 'p2', later(150))];
    square
      .given(given)
      .when({ type: 'PickUpItem', itemId: 'herb', playerId: 'p3', at: later(200) })
      .thenRefuses('item_not_here');
    square
      .given(given)
      .when({ type: 'PickUpItem', itemId: 'herb', playerId: 'p3', at: later(270) })
      .then([took('herb', 'p3', later(270))]);
  });

  it('does not double a herb dropped back before its respawn', () => {
    square
      .given([took('herb', 'p1'), dropped('herb', 'p1', later(30))])
      .when({
        type: 'ApplyActionSteps',
        steps: [
          { type: 'PickUpItem', itemId: 'herb', playerId: 'p2', at: later(600) },
          { type: 'PickUpItem', itemId: 'herb', playerId: 'p2', at: later(600) },
        ],
      })
      .thenRefuses('item_not_here');
  });

  it('keeps both when one is set down after the placed one came back', () => {
    const decider = locationDecider(world, 'square');
    const state = fold(decider, [took('herb', 'p1'), dropped('herb', 'p2', later(300))]);
    expect(itemsSeenBy(world, requireLocation(world, 'square'), state, new Date(later(300)))).toEqual([
      'dagger',
      'herb',
      'herb',
    ]);
  });

  it('refuses content that gives a respawn to an item not placed there', () => {
    const content = structuredClone(fixtureWorld().content);
    content.locations[0]!.itemRespawns = { petal: 60 };
    expect(() => buildWorld(content)).toThrow(
      /locations\[0\]\.itemRespawns\.petal: "petal" is not one of the items placed here/,
    );
  });

  it('never brings back what the content gives no respawn', () => {
    square
      .given([took('dagger', 'p1')])
      .when({ type: 'PickUpItem', itemId: 'dagger', playerId: 'p2', at: later(86_400) })
      .thenRefuses('item_not_here');
  });

  it('reads a take recorded before respawns (no time) as long ago', () => {
    square
      .given([{ type: 'ItemPickedUp', data: { locationId: 'square', itemId: 'herb', playerId: 'p1' } }])
      .when({ type: 'PickUpItem', itemId: 'herb', playerId: 'p2', at })
      .then([took('herb', 'p2')]);
  });
});

describe('quest items are per player', () => {
  const tookOwn = (playerId: string): LocationEvent => ({
    type: 'ItemPickedUp',
    data: { locationId: 'woods', itemId: 'petal', playerId, at, perPlayer: true },
  });

  it('counts the quest kind and the items quest steps ask for', () => {
    expect([...perPlayerItems(world.content)]).toEqual(['petal']);
  });

  it('lets player B take the petal that player A took, and A not a second one', () => {
    woods
      .given([tookOwn('a')])
      .when({ type: 'PickUpItem', itemId: 'petal', playerId: 'b', at })
      .then([tookOwn('b')]);
    woods
      .given([tookOwn('a')])
      .when({ type: 'PickUpItem', itemId: 'petal', playerId: 'a', at })
      .thenRefuses('item_not_here');
  });

  it("makes a petal set down where it was taken its owner's own again, out of the others' sight", () => {
    const back: LocationEvent = {
      type: 'ItemDropped',
      data: { locationId: 'woods', itemId: 'petal', playerId: 'a', at, perPlayer: true },
    };
    woods
      .given([tookOwn('a')])
      .when({ type: 'DropItem', itemId: 'petal', playerId: 'a', at })
      .then([back]);
    const state = fold(locationDecider(world, 'woods'), [tookOwn('a'), back, tookOwn('b')]);
    const woodsPlace = requireLocation(world, 'woods');
    expect(itemsSeenBy(world, woodsPlace, state, new Date(at), { playerId: 'a' })).toEqual(['petal']);
    expect(itemsSeenBy(world, woodsPlace, state, new Date(at), { playerId: 'b' })).toEqual([]);
    expect(itemsSeenBy(world, woodsPlace, state, new Date(at), { playerId: 'c' })).toEqual(['petal']);
  });

  it('shares a petal dropped by someone who did not take it here', () => {
    const shared: LocationEvent = {
      type: 'ItemDropped',
      data: { locationId: 'woods', itemId: 'petal', playerId: 'c', at },
    };
    woods.given([]).when({ type: 'DropItem', itemId: 'petal', playerId: 'c', at }).then([shared]);
    woods
      .given([tookOwn('a'), shared])
      .when({ type: 'PickUpItem', itemId: 'petal', playerId: 'a', at })
      .then([{ type: 'ItemPickedUp', data: { locationId: 'woods', itemId: 'petal', playerId: 'a', at } }]);
  });

  it('shows the petal to those who may still need it: not to one who carries one or is past the step', () => {
    const state = locationDecider(world, 'woods').initialState();
    const woodsPlace = requireLocation(world, 'woods');
    const seen = (viewer: Parameters<typeof itemsSeenBy>[4]) =>
      itemsSeenBy(world, woodsPlace, state, new Date(at), viewer);
    expect(seen({ playerId: 'new' })).toEqual(['petal']);
    expect(seen({ playerId: 'carrier', inventory: ['petal'] })).toEqual([]);
    expect(seen({ playerId: 'on-it', quests: { prophecy: { status: 'active', step: 2 } } })).toEqual([
      'petal',
    ]);
    expect(seen({ playerId: 'done', quests: { prophecy: { status: 'completed', step: 3 } } })).toEqual([]);
    // Nobody in particular: what a newcomer would find.
    expect(seen(undefined)).toEqual(['petal']);
  });
});
