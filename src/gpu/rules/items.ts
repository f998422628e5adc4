import type { ActionOf } from '../../domain/actions.ts';
import { wieldedWeapon, wornArmor } from '../../domain/rules/gear.ts';
import { thereIsNo } from '../../domain/world/grammar.ts';
import { findByName } from '../../domain/world/lookup.ts';
import type { Item } from '../../domain/world/world.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { onTheTable } from './trade.ts';

const answer = (actionType: string, narration: string, extra: Record<string, unknown> = {}): Proposal => ({
  effects: [],
  source: 'rules',
  result: { action_type: actionType, narration, ...extra },
});

const items = (context: ActionContext, ids: readonly string[]): Item[] =>
  ids.map((id) => context.world.items.get(id)).filter((item): item is Item => item !== undefined);

export function take(context: ActionContext, action: ActionOf<'take'>): Proposal {
  const item = findByName(items(context, context.itemsHere), action.item);
  if (!item) {
    const carried = findByName(items(context, context.player.inventory), action.item);
    return answer('take', carried ? `You already have the ${carried.name}.` : thereIsNo(action.item));
  }
  return {
    effects: [{ kind: 'take-item', item: item.id }],
    source: 'rules',
    result: {
      action_type: 'take',
      narration: `You pick up the ${item.name}. ${item.description}`,
      item: { id: item.id, name: item.name },
    },
  };
}

export function drop(context: ActionContext, action: ActionOf<'drop'>): Proposal {
  const item = findByName(items(context, context.player.inventory), action.item);
  if (!item) return answer('drop', `You are not carrying any ${action.item}.`);
  return {
    effects: [{ kind: 'drop-item', item: item.id }],
    source: 'rules',
    result: {
      action_type: 'drop',
      narration: `You set down the ${item.name}.`,
      item: { id: item.id, name: item.name },
    },
  };
}

export function use(context: ActionContext, action: ActionOf<'use'>): Proposal {
  const { player } = context;
  const item = findByName(items(context, player.inventory), action.item);
  if (!item) return answer('use', `You are not carrying any ${action.item}.`);
  if (action.target) {
    const npc = findByName(context.npcsHere, action.target);
    if (!npc) return answer('use', thereIsNo(action.target));
    return {
      effects: [{ kind: 'give-item', item: item.id, npc: npc.id }],
      source: 'rules',
      result: {
        action_type: 'use',
        narration: `You hand the ${item.name} to ${npc.name}.`,
        item: { id: item.id, name: item.name },
        target: npc.name,
      },
    };
  }
  if (item.use) {
    const heal = item.use.heal ?? 0;
    const hp = Math.min(player.maxHp, player.hp + heal);
    return {
      effects: [{ kind: 'use-item', item: item.id, heal }],
      source: 'rules',
      result: {
        action_type: 'use',
        narration: `${item.use.message}${heal > 0 ? ` (+${hp - player.hp} HP)` : ''}`,
        item: { id: item.id, name: item.name },
        hp,
        max_hp: player.maxHp,
      },
    };
  }
  if (item.kind === 'weapon')
    return answer(
      'use',
      `You test the weight of the ${item.name}. It will serve you in a fight (attack <enemy>).`,
    );
  return answer('use', `You turn the ${item.name} over in your hands. Nothing happens.`);
}

export function inventory(context: ActionContext): Proposal {
  const { player } = context;
  const carried = items(context, player.inventory);
  const list = carried.map((item) => ({ id: item.id, name: item.name, kind: item.kind }));
  const lines =
    carried.length === 0
      ? ['You carry nothing but your wits.']
      : [`You carry: ${carried.map((i) => i.name).join(', ')}.`];
  const weapon = wieldedWeapon(context.world, player);
  const armor = wornArmor(context.world, player);
  if (weapon || armor)
    lines.push(
      [weapon && `You wield the ${weapon.name}.`, armor && `You wear the ${armor.name}.`]
        .filter(Boolean)
        .join(' '),
    );
  const onTable = onTheTable(context);
  if (onTable) lines.push(onTable);
  lines.push(`HP ${player.hp}/${player.maxHp}, ${player.xp} xp.`);
  return answer('inventory', lines.join('\n'), {
    items: list,
    hp: player.hp,
    max_hp: player.maxHp,
    xp: player.xp,
  });
}
