import type { ActionOf } from '../../domain/actions.ts';
import { findByName } from '../../domain/world/lookup.ts';
import type { Item } from '../../domain/world/world.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { answer, itemsOf } from './answer.ts';

type Way = 'drink' | 'eat';

/** Drink a potion the player carries: it heals as the content says, and is used up. */
export const drink = (context: ActionContext, action: ActionOf<'drink'>) =>
  consume(context, action.item, 'drink');

/** Eat food the player carries: it heals as the content says, and is used up. */
export const eat = (context: ActionContext, action: ActionOf<'eat'>) => consume(context, action.item, 'eat');

function consume(context: ActionContext, typed: string, way: Way): Proposal {
  const { player } = context;
  const item = findByName(itemsOf(context, player.inventory), typed);
  if (!item) {
    const lying = findByName(itemsOf(context, context.itemsHere), typed);
    return answer(
      way,
      lying
        ? `You are not carrying the ${lying.name}: take it first (take ${lying.name}).`
        : `You are not carrying any ${typed}.`,
    );
  }
  const shown = { item: { id: item.id, name: item.name } };
  const refusal = refusalOf(item, way);
  if (refusal) return answer(way, refusal, shown);
  const heal = item.use?.heal ?? 0;
  const hp = Math.min(player.maxHp, player.hp + heal);
  return {
    effects: [{ kind: 'use-item', item: item.id, heal }],
    source: 'rules',
    result: {
      action_type: way,
      narration: `${item.use!.message}${healed(heal, hp - player.hp)}`,
      ...shown,
      hp,
      max_hp: player.maxHp,
    },
  };
}

/** "(+8 HP)"; when the player was unhurt, no "+0" but that they were. */
function healed(heal: number, gained: number): string {
  if (heal <= 0) return '';
  return gained > 0 ? ` (+${gained} HP)` : ' (You were unhurt: it did you no good.)';
}

/** Why the item cannot be taken this way, with the way it can; undefined when it can. */
function refusalOf(item: Item, way: Way): string | undefined {
  const how = item.use?.how;
  if (how === way) return undefined;
  if (how === 'drink' || how === 'eat')
    return `You cannot ${way} the ${item.name}: ${how} it (${how} ${item.name}).`;
  if (item.use) return `You cannot ${way} the ${item.name}: use it instead (use ${item.name}).`;
  return `The ${item.name} is not something you can ${way}.`;
}
