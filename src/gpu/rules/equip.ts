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
