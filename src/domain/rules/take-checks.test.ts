import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { type LocationEvent, locationDecider } from '../location/location.ts';
import { type PlayerEvent, playerDecider } from '../player/player.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { buildWorld } from '../world/world.ts';
import { checkEffects, type Situation } from './effects.ts';

/** The fixture world, with the square's herb coming back a minute after it is taken. */
const world = (() => {
  const content = structuredClone(fixtureWorld().content);
  content.locations[0]!.itemRespawns = { herb: 60 };
  return buildWorld(content);
})();
const at = '2026-11-25T12:00:00.000Z';

function situation(
  locationId: string,
  when: string,
  locationEvents: LocationEvent[],
  playerEvents: PlayerEvent[] = [],
): Situation {
  const player = fold(playerDecider(world), [
    { type: 'PlayerRegistered', data: { playerId: 'p1', username: 'ayla' } },
    { type: 'PlayerSpawned', data: { playerId: 'p1', locationId, hp: 20, maxHp: 20 } },
    ...playerEvents,
  ]);
  return {
    world,
    player,
    location: fold(locationDecider(world, locationId), locationEvents),
    at: new Date(when),
  };
}
const takeRefused = (s: Situation, item: string) =>
  checkEffects(s, [{ kind: 'take-item', item }]).refused.map((r) => r.reason);

describe('the rules let a player take what they see lying there now', () => {
  const herbTaken: LocationEvent = {
    type: 'ItemPickedUp',
    data: { locationId: 'square', itemId: 'herb', playerId: 'p2', at },
  };

  it('refuses a taken herb until its respawn time has passed, then allows it', () => {
    expect(takeRefused(situation('square', '2026-11-25T12:00:59.000Z', [herbTaken]), 'herb')).toEqual([
      'herb is not lying at square',
    ]);
    expect(takeRefused(situation('square', '2026-11-25T12:01:00.000Z', [herbTaken]), 'herb')).toEqual([]);
  });

  it('allows a quest item another player took, but not a second one to whoever took theirs', () => {
    const tookOwn = (playerId: string): LocationEvent => ({
      type: 'ItemPickedUp',
      data: { locationId: 'woods', itemId: 'petal', playerId, at, perPlayer: true },
    });
    expect(takeRefused(situation('woods', at, [tookOwn('p2')]), 'petal')).toEqual([]);
    expect(takeRefused(situation('woods', at, [tookOwn('p1')]), 'petal')).toEqual([
      'petal is not lying at woods',
    ]);
  });

  it('refuses their own quest item to a player who already carries one', () => {
    const carrying: PlayerEvent = {
      type: 'ItemAddedToInventory',
      data: { playerId: 'p1', itemId: 'petal', reason: 'reward' },
    };
    expect(takeRefused(situation('woods', at, [], [carrying]), 'petal')).toEqual([
      'petal is not lying at woods',
    ]);
  });
});
