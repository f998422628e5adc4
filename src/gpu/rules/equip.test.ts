import { describe, expect, it } from 'vitest';
import { playerLines } from '../prompts/scene.ts';
import { actionContext } from '../prompts/testing/context.ts';
import { equip, unequip } from './equip.ts';
import { inventory } from './items.ts';

const act = (item: string, inventory: string[], equipped = {}) =>
  equip(actionContext({ action: { action_type: 'equip', item }, player: { inventory, equipped } }), {
    action_type: 'equip',
    item,
  });

describe('equip: wield a weapon or wear armour carried', () => {
  it('wields a weapon and wears armour', () => {
    expect(act('dagger', ['dagger'])).toEqual({
      effects: [{ kind: 'equip', item: 'dagger' }],
      source: 'rules',
      result: {
        action_type: 'equip',
        narration: 'You wield the dagger. (3-5 damage a blow)',
        item: { id: 'dagger', name: 'dagger' },
        slot: 'weapon',
      },
    });
    expect(act('vest', ['vest']).result).toMatchObject({
      slot: 'armor',
      narration: 'You put on the leather vest. (blows land 1 softer)',
    });
  });

  it('refuses clearly what is not gear, not carried, or already equipped', () => {
    const herb = act('herb', ['herb']);
    expect(herb.effects).toEqual([]);
    expect(herb.result.narration).toBe('The healing herb is not something you can wield or wear.');
    expect(act('dagger', []).result.narration).toBe(
      'You are not carrying the dagger: take it first (take dagger).',
    );
    expect(act('sword', []).result.narration).toBe('You are not carrying any sword.');
    const again = act('dagger', ['dagger'], { weapon: 'dagger' });
    expect(again.effects).toEqual([]);
    expect(again.result.narration).toBe('You already wield the dagger.');
  });

  it('the inventory and the world model’s prompt name what is wielded and worn', () => {
    const context = actionContext({
      action: { action_type: 'inventory' },
      player: { inventory: ['dagger', 'vest'], equipped: { armor: 'vest' } },
    });
    expect(inventory(context).result.narration).toContain('You wield the dagger. You wear the leather vest.');
    expect(playerLines(context)).toContain('Wielding: dagger; wearing: leather vest.');
  });
});

describe('unequip: back to the best carried for the slot', () => {
  const put = (item: string, inventory: string[], equipped = {}) =>
    unequip(actionContext({ action: { action_type: 'unequip', item }, player: { inventory, equipped } }), {
      action_type: 'unequip',
      item,
    });

  it('puts away the chosen item, telling what is used now', () => {
    expect(put('vest', ['vest'], { armor: 'vest' })).toEqual({
      effects: [{ kind: 'unequip', item: 'vest' }],
      source: 'rules',
      result: {
        action_type: 'unequip',
        narration:
          'You take off the leather vest. It is still the best you carry, so you wear it all the same.',
        item: { id: 'vest', name: 'leather vest' },
        slot: 'armor',
        now: { id: 'vest', name: 'leather vest' },
      },
    });
  });

  it('refuses clearly what was not chosen, is no gear, or is not carried', () => {
    const unchosen = put('dagger', ['dagger']);
    expect(unchosen.effects).toEqual([]);
    expect(unchosen.result.narration).toBe(
      'You have not chosen the dagger: you fight with the best you carry.',
    );
    expect(put('herb', ['herb']).result.narration).toBe(
      'The healing herb is not something you wield or wear.',
    );
    expect(put('dagger', []).result.narration).toBe('You are not carrying any dagger.');
  });
});
