import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { starterWorld } from '../testing/starter-world.ts';
import { locationDecider } from './location.ts';

const spec = deciderSpec(locationDecider(starterWorld(), 'smithy'));

describe('location decider', () => {
  it('lets a player pick up an item lying there', () => {
    spec
      .given([])
      .when({ type: 'PickUpItem', itemId: 'rusty-dagger', playerId: 'p1' })
      .then([
        { type: 'ItemPickedUp', data: { locationId: 'smithy', itemId: 'rusty-dagger', playerId: 'p1' } },
      ]);
  });

  it('refuses an item that is not there, including one already taken', () => {
    spec
      .given([])
      .when({ type: 'PickUpItem', itemId: 'old-scroll', playerId: 'p1' })
      .thenRefuses('item_not_here');
    spec
      .given([
        { type: 'ItemPickedUp', data: { locationId: 'smithy', itemId: 'rusty-dagger', playerId: 'p2' } },
      ])
      .when({ type: 'PickUpItem', itemId: 'rusty-dagger', playerId: 'p1' })
      .thenRefuses('item_not_here');
  });

  it('lets a dropped item be picked up again', () => {
    spec
      .given([
        { type: 'ItemPickedUp', data: { locationId: 'smithy', itemId: 'rusty-dagger', playerId: 'p2' } },
        { type: 'ItemDropped', data: { locationId: 'smithy', itemId: 'rusty-dagger', playerId: 'p2' } },
      ])
      .when({ type: 'PickUpItem', itemId: 'rusty-dagger', playerId: 'p1' })
      .then([
        { type: 'ItemPickedUp', data: { locationId: 'smithy', itemId: 'rusty-dagger', playerId: 'p1' } },
      ]);
  });
});
