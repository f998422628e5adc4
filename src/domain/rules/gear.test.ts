import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { locationDecider } from '../location/location.ts';
import { type PlayerEvent, playerDecider } from '../player/player.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { buildWorld } from '../world/world.ts';
import { enemyHitRange, playerHitRange } from './combat.ts';
import { checkEffects, type Effect } from './effects.ts';
import { inSlot, slotOf } from './gear.ts';

// The fixture world with a second weapon (a club, weaker than the dagger) and a second armour (a coat).
const fixture = fixtureWorld();
const world = buildWorld({
  ...fixture.content,
  items: [
    ...fixture.content.items,
    {
      id: 'club',
      name: 'club',
      description: 'Blunt.',
      kind: 'weapon',
      weight: 2,
      value: 1,
      damage: { min: 1, max: 3 },
    },
    {
      id: 'coat',
      name: 'padded coat',
      description: 'Thick.',
      kind: 'armor',
      weight: 3,
      value: 4,
      defense: 2,
    },
  ],
});
const wolf = world.enemies.get('wolf')!;
const at = new Date('2026-11-25T12:00:00.000Z');

const player = (...events: PlayerEvent[]) =>
  fold(playerDecider(world), [
    { type: 'PlayerRegistered', data: { playerId: 'p1', username: 'ayla' } },
    { type: 'PlayerSpawned', data: { playerId: 'p1', locationId: 'square', hp: 20, maxHp: 20 } },
    ...events,
  ]);
const carries = (itemId: string): PlayerEvent => ({
  type: 'ItemAddedToInventory',
  data: { playerId: 'p1', itemId, reason: 'taken' },
});
const equips = (itemId: string, slot: 'weapon' | 'armor'): PlayerEvent => ({
  type: 'ItemEquipped',
  data: { playerId: 'p1', itemId, slot },
});

describe('gear: what a player wields and wears', () => {
  it('knows what can be wielded or worn', () => {
    expect(slotOf(world.items.get('dagger'))).toBe('weapon');
    expect(slotOf(world.items.get('vest'))).toBe('armor');
    expect(slotOf(world.items.get('herb'))).toBeUndefined();
  });

  it('fights with the best weapon carried until one is chosen, then with the one chosen', () => {
    const unchosen = player(carries('club'), carries('dagger'));
    expect(inSlot(world, unchosen, 'weapon')?.id).toBe('dagger');
    expect(playerHitRange(world, unchosen, wolf, 0)).toEqual({ min: 3, max: 5 });
    const chosen = player(carries('club'), carries('dagger'), equips('club', 'weapon'));
    expect(inSlot(world, chosen, 'weapon')?.id).toBe('club');
    expect(playerHitRange(world, chosen, wolf, 0)).toEqual({ min: 1, max: 3 });
  });

  it('wears one armour, not every piece carried', () => {
    const both = player(carries('vest'), carries('coat'));
    // Best carried: the coat alone (2), not vest + coat (3).
    expect(enemyHitRange(world, both, wolf, 0)).toEqual({ min: 1, max: 2 });
    const vest = player(carries('vest'), carries('coat'), equips('vest', 'armor'));
    expect(enemyHitRange(world, vest, wolf, 0)).toEqual({ min: 1, max: 3 });
  });

  it('falls back to what is carried once the chosen item is gone', () => {
    const dropped = player(carries('club'), carries('dagger'), equips('club', 'weapon'), {
      type: 'ItemRemovedFromInventory',
      data: { playerId: 'p1', itemId: 'club', reason: 'dropped' },
    });
    expect(dropped.equipped).toEqual({});
    expect(inSlot(world, dropped, 'weapon')?.id).toBe('dagger');
  });
});

describe('the rules check equip and whisper effects', () => {
  const situation = (events: PlayerEvent[], here: string[] = []) => ({
    world,
    player: player(...events),
    location: fold(locationDecider(world, 'square'), []),
    at,
    playerHere: (playerId: string) => here.includes(playerId),
  });
  const refusals = (events: PlayerEvent[], effect: Effect, here: string[] = []) =>
    checkEffects(situation(events, here), [effect]).refused.map((r) => r.reason);

  it('equips only gear carried', () => {
    expect(refusals([carries('dagger')], { kind: 'equip', item: 'dagger' })).toEqual([]);
    expect(refusals([], { kind: 'equip', item: 'dagger' })).toEqual(['dagger is not carried']);
    expect(refusals([carries('herb')], { kind: 'equip', item: 'herb' })).toEqual([
      'herb can be neither wielded nor worn',
    ]);
  });

  it('whispers only to another player online at the same place', () => {
    expect(refusals([], { kind: 'whisper', to: 'p2', message: 'hi' }, ['p2'])).toEqual([]);
    expect(refusals([], { kind: 'whisper', to: 'p3', message: 'hi' }, ['p2'])).toEqual([
      'p3 is not online at square',
    ]);
    expect(refusals([], { kind: 'whisper', to: 'p1', message: 'hi' }, ['p1'])).toEqual([
      'a player cannot whisper to themselves',
    ]);
  });
});
