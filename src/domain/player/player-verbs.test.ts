import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { type PlayerEvent, playerDecider } from './player.ts';
import { added, p, registered, requested, resolve, resolved, spec, status } from './player-spec.ts';

const dagger = { id: 'dagger', name: 'dagger', kind: 'weapon' } as const;
const vest = { id: 'vest', name: 'leather vest', kind: 'armor' } as const;
const equipped = (itemId: string, slot: 'weapon' | 'armor'): PlayerEvent => ({
  type: 'ItemEquipped',
  data: { playerId: p, itemId, slot },
});

describe('player decider: emote and whisper', () => {
  it('records a gesture where the player stands, for everyone there to see', () => {
    spec
      .given([...registered, requested()])
      .when(resolve([{ kind: 'emote', message: 'waves.' }]))
      .then([
        { type: 'PlayerEmoted', data: { playerId: p, locationId: 'square', message: 'waves.' } },
        resolved(),
      ]);
  });

  it('records a whisper to one other player, where the whisperer stands', () => {
    spec
      .given([...registered, requested()])
      .when(resolve([{ kind: 'whisper', to: 'p2', message: 'meet me north' }]))
      .then([
        {
          type: 'PlayerWhispered',
          data: { playerId: p, toPlayerId: 'p2', locationId: 'square', message: 'meet me north' },
        },
        resolved(),
      ]);
  });

  it('refuses a whisper to oneself', () => {
    const toSelf = { kind: 'whisper', to: p, message: 'hm' } as const;
    spec
      .given([...registered, requested()])
      .when(resolve([toSelf]))
      .then([resolved([{ effect: toSelf, reason: 'a player cannot whisper to themselves' }])]);
  });
});

describe('player decider: equipping gear', () => {
  it('equips a weapon carried, and the status says it is wielded', () => {
    spec
      .given([...registered, added('dagger'), requested()])
      .when(resolve([{ kind: 'equip', item: 'dagger' }]))
      .then([
        equipped('dagger', 'weapon'),
        resolved([], {
          xp: 0,
          status: status({ inventory: [dagger], wielding: { id: 'dagger', name: 'dagger' } }),
        }),
      ]);
  });

  it('equips armour carried in the armour slot', () => {
    spec
      .given([...registered, added('vest'), requested()])
      .when(resolve([{ kind: 'equip', item: 'vest' }]))
      .then([
        equipped('vest', 'armor'),
        resolved([], {
          xp: 0,
          status: status({ inventory: [vest], wearing: { id: 'vest', name: 'leather vest' } }),
        }),
      ]);
  });

  it('refuses to equip what is not carried, or what is no gear', () => {
    const notCarried = { kind: 'equip', item: 'dagger' } as const;
    spec
      .given([...registered, requested()])
      .when(resolve([notCarried]))
      .then([resolved([{ effect: notCarried, reason: 'dagger is not carried gear' }])]);
    const herb = { kind: 'equip', item: 'herb' } as const;
    spec
      .given([...registered, added('herb'), requested()])
      .when(resolve([herb]))
      .then([resolved([{ effect: herb, reason: 'herb is not carried gear' }])]);
  });

  it('records nothing new when the item is already equipped', () => {
    spec
      .given([...registered, added('dagger'), equipped('dagger', 'weapon'), requested()])
      .when(resolve([{ kind: 'equip', item: 'dagger' }]))
      .then([resolved()]);
  });

  it('unequips gear that leaves the inventory', () => {
    const decider = playerDecider(fixtureWorld());
    const state = fold(decider, [
      ...registered,
      added('dagger'),
      added('vest'),
      equipped('dagger', 'weapon'),
      equipped('vest', 'armor'),
      { type: 'ItemRemovedFromInventory', data: { playerId: p, itemId: 'dagger', reason: 'dropped' } },
    ]);
    expect(state.equipped).toEqual({ armor: 'vest' });
  });

  it('unequips the chosen item: the slot goes back to the best carried', () => {
    spec
      .given([...registered, added('dagger'), added('vest'), equipped('vest', 'armor'), requested()])
      .when(resolve([{ kind: 'unequip', item: 'vest' }]))
      .then([
        { type: 'ItemUnequipped', data: { playerId: p, itemId: 'vest', slot: 'armor' } },
        resolved([], {
          xp: 0,
          status: status({
            inventory: [dagger, vest],
            wielding: { id: 'dagger', name: 'dagger' },
            wearing: { id: 'vest', name: 'leather vest' },
          }),
        }),
      ]);
    const state = fold(playerDecider(fixtureWorld()), [
      ...registered,
      added('vest'),
      equipped('vest', 'armor'),
      { type: 'ItemUnequipped', data: { playerId: p, itemId: 'vest', slot: 'armor' } },
    ]);
    expect(state.equipped).toEqual({});
  });

  it('refuses to unequip what was not chosen', () => {
    const unchosen = { kind: 'unequip', item: 'dagger' } as const;
    spec
      .given([...registered, added('dagger'), requested()])
      .when(resolve([unchosen]))
      .then([resolved([{ effect: unchosen, reason: 'dagger is not equipped' }])]);
  });
});

describe('player decider: drinking and eating', () => {
  it('uses the item up and heals by what the content allows', () => {
    spec
      .given([
        ...registered,
        added('herb'),
        { type: 'DamageTaken', data: { playerId: p, amount: 10, hp: 10, cause: 'wolf' } },
        requested(),
      ])
      .when(resolve([{ kind: 'use-item', item: 'herb', heal: 8 }]))
      .then([
        { type: 'ItemRemovedFromInventory', data: { playerId: p, itemId: 'herb', reason: 'used' } },
        { type: 'PlayerHealed', data: { playerId: p, amount: 8, hp: 18, cause: 'herb' } },
        resolved([], { hp: 18, max_hp: 20, xp: 0, status: status({ hp: 18 }) }),
      ]);
  });
});
