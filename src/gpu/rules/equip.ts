import type { ActionOf } from '../../domain/actions.ts';
import { inSlot, slotOf } from '../../domain/rules/gear.ts';
import { findByName } from '../../domain/world/lookup.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { answer, itemsOf } from './answer.ts';

/**
 * Wield a weapon or wear armour the player carries: from then on fights use it (rules/gear.ts), until
 * another is chosen or it leaves the inventory.
 */
export function equip(context: ActionContext, action: ActionOf<'equip'>): Proposal {
  const { player, world } = context;
  const item = findByName(itemsOf(context, player.inventory), action.item);
  if (!item) {
    const lying = findByName(itemsOf(context, context.itemsHere), action.item);
    return answer(
      'equip',
      lying
        ? `You are not carrying the ${lying.name}: take it first (take ${lying.name}).`
        : `You are not carrying any ${action.item}.`,
    );
  }
  const slot = slotOf(item);
  if (!slot)
    return answer('equip', `The ${item.name} is not something you can wield or wear.`, {
      item: { id: item.id, name: item.name },
    });
  const shown = { item: { id: item.id, name: item.name }, slot };
  const current = inSlot(world, player, slot);
  if (player.equipped?.[slot] === item.id)
    return answer('equip', `You already ${slot === 'weapon' ? 'wield' : 'wear'} the ${item.name}.`, shown);
  const instead = current && current.id !== item.id ? ` instead of the ${current.name}` : '';
  const narration =
    slot === 'weapon'
      ? `You wield the ${item.name}${instead}. (${item.damage!.min}-${item.damage!.max} damage a blow)`
      : `You put on the ${item.name}${instead}. (blows land ${item.defense ?? 0} softer)`;
  return {
    effects: [{ kind: 'equip', item: item.id }],
    source: 'rules',
    result: { action_type: 'equip', narration, ...shown },
  };
}

/**
 * Put away the weapon or armour the player chose: the slot goes back to the best one carried (which
 * may be the same item, when it is the best).
 */
export function unequip(context: ActionContext, action: ActionOf<'unequip'>): Proposal {
  const { player, world } = context;
  const item = findByName(itemsOf(context, player.inventory), action.item);
  if (!item) return answer('unequip', `You are not carrying any ${action.item}.`);
  const slot = slotOf(item);
  const shown = { item: { id: item.id, name: item.name }, ...(slot ? { slot } : {}) };
  if (!slot) return answer('unequip', `The ${item.name} is not something you wield or wear.`, shown);
  if (player.equipped?.[slot] !== item.id)
    return answer(
      'unequip',
      `You have not chosen the ${item.name}: you ${slot === 'weapon' ? 'fight with' : 'wear'} the best you carry.`,
      shown,
    );
  // Never empty: the item itself is still carried, so the best carried is it or a better one.
  const instead = inSlot(world, { inventory: player.inventory }, slot)!;
  const uses = slot === 'weapon' ? 'fight with' : 'wear';
  const after =
    instead.id === item.id
      ? `It is still the best you carry, so you ${uses} it all the same.`
      : `You ${uses} the ${instead.name} instead, the best you carry.`;
  const narration = `You ${slot === 'weapon' ? 'lower' : 'take off'} the ${item.name}. ${after}`;
  return {
    effects: [{ kind: 'unequip', item: item.id }],
    source: 'rules',
    result: { action_type: 'unequip', narration, ...shown, now: { id: instead.id, name: instead.name } },
  };
}
