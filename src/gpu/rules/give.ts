import type { ActionOf } from '../../domain/actions.ts';
import { withArticle } from '../../domain/world/grammar.ts';
import { findByName } from '../../domain/world/lookup.ts';
import type { ActionContext, OnlinePlayer, Proposal } from '../lane.ts';
import { answer, itemsOf } from './answer.ts';
import { giftReaction } from './give-reaction.ts';

const named = (players: readonly OnlinePlayer[]) => players.map((p) => ({ ...p, id: p.playerId }));

/**
 * `give {item, to}`: to an NPC here (as `use <item> on <npc>`: quest deliver steps advance; other
 * things it keeps with thanks or hands back, see give-reaction.ts), or to a
 * player online here (by name; the start of a name is enough). NPCs are looked for first, players
 * second, so a player named like an NPC cannot intercept a quest delivery.
 */
export function give(context: ActionContext, action: ActionOf<'give'>): Proposal {
  const item = findByName(itemsOf(context, context.player.inventory), action.item);
  if (!item) return answer('give', `You are not carrying any ${action.item}.`);
  const an = withArticle(item.name);

  const npc = findByName(context.npcsHere, action.to);
  const reaction = npc && giftReaction(context, npc, item);
  if (npc && reaction?.kind === 'declines')
    return answer('give', `${npc.name} does not take the ${item.name}.\n${npc.name}: "${reaction.line}"`, {
      item: { id: item.id, name: item.name },
      to: npc.name,
      to_kind: 'npc',
    });
  if (npc)
    return {
      effects: [{ kind: 'give-item', item: item.id, npc: npc.id }],
      source: 'rules',
      result: {
        action_type: 'give',
        narration:
          reaction?.kind === 'keeps'
            ? `You hand the ${item.name} to ${npc.name}.\n${npc.name}: "${reaction.line}"`
            : `You hand the ${item.name} to ${npc.name}.`,
        item: { id: item.id, name: item.name },
        to: npc.name,
        to_kind: 'npc',
      },
    };

  const player = findByName(named(context.online.here()), action.to);
  if (player)
    return {
      effects: [{ kind: 'give-item-to-player', item: item.id, player: player.playerId }],
      source: 'rules',
      result: {
        action_type: 'give',
        narration: `You give ${player.name} ${an}.`,
        item: { id: item.id, name: item.name },
        to: player.name,
        to_kind: 'player',
      },
    };

  const self = findByName([{ id: context.player.playerId, name: context.player.username }], action.to);
  if (self) return answer('give', `You already have the ${item.name}.`);
  const elsewhere =
    findByName(context.world.content.npcs, action.to) ??
    findByName(
      named(context.online.everyone()).filter((p) => p.playerId !== context.player.playerId),
      action.to,
    );
  return answer(
    'give',
    elsewhere
      ? `${elsewhere.name} is not here: you can only give to someone beside you.`
      : `There is no one called ${action.to} here to give it to.`,
  );
}
