import type { Decider } from '../decider.ts';
import { withArticle } from '../world/grammar.ts';
import type { World } from '../world/world.ts';
import { withConsequences } from './action-consequences.ts';
import { EventFold } from './event-fold.ts';
import type { PlayerState } from './player.ts';
import type { ActionResult, PlayerEvent } from './player-events.ts';
import { type ActionFacts, questProgress } from './quests.ts';

/**
 * What another player's action brings to this player: an item handed over (a gift, the other half of
 * a trade, an offered item coming back), a share in an enemy's defeat, word of a trade offer. The
 * other player's action decided it (the rules checked it, the location recorded it), so nothing here
 * can refuse it: a delivery refused after the other side is recorded would lose or double an item.
 * Each is recorded once (its command id derives from the action's) and ends with an `ActionResolved`
 * under `noticeId`, which reaches the player like a result of their own.
 */
export type DeliveryCommand =
  | {
      type: 'ReceiveItem';
      noticeId: string;
      itemId: string;
      fromPlayerId: string;
      /** The other player's name as this player is told it. */
      fromName: string;
      /** given: a gift; traded: the other half of this player's offer (`tradedItemId`); returned: an offer declined. */
      reason: 'given' | 'traded' | 'returned';
      tradedItemId?: string;
    }
  | {
      type: 'ShareDefeat';
      noticeId: string;
      enemyId: string;
      locationId: string;
      killerId: string;
      killerName: string;
    }
  | {
      type: 'NoteTrade';
      noticeId: string;
      /** offered: made to this player; withdrawn: taken back by the one who made it. */
      note: 'offered' | 'withdrawn';
      fromPlayerId: string;
      fromName: string;
      itemId: string;
      forItemId?: string;
    };

export function decideDelivery(
  world: World,
  decider: Pick<Decider<PlayerState, never, PlayerEvent>, 'evolve'>,
  initial: PlayerState,
  command: DeliveryCommand,
): PlayerEvent[] {
  const fold = new EventFold<PlayerState, PlayerEvent>((s, e) => decider.evolve(s, e), initial);
  const { events } = fold;
  const emit = (...more: PlayerEvent[]) => fold.emit(...more);
  const playerId = initial.playerId;
  const facts: ActionFacts = { talkedTo: [], defeated: [], delivered: [] };
  const itemName = (itemId: string) => world.items.get(itemId)?.name ?? itemId;
  let result: ActionResult;

  switch (command.type) {
    case 'ReceiveItem': {
      const { itemId, fromPlayerId, fromName, reason } = command;
      const name = itemName(itemId);
      emit({ type: 'ItemAddedToInventory', data: { playerId, itemId, reason, fromPlayerId } });
      const traded = command.tradedItemId === undefined ? undefined : itemName(command.tradedItemId);
      const narration =
        reason === 'given'
          ? `${fromName} gives you ${withArticle(name)}.`
          : reason === 'traded'
            ? `${fromName} accepts your offer: the ${traded} for ${withArticle(name)}, which is yours now.`
            : `${fromName} declines your offer; the ${name} is yours again.`;
      result = {
        action_type: reason === 'given' ? 'receive' : 'trade',
        narration,
        item: { id: itemId, name },
        from: fromName,
        ...(reason === 'given' ? {} : { trade: reason === 'traded' ? 'accepted' : 'declined' }),
      };
      break;
    }
    case 'ShareDefeat': {
      const { enemyId, locationId, killerId, killerName } = command;
      const enemy = world.enemies.get(enemyId);
      const xp = enemy?.xp ?? 0;
      facts.defeated.push(enemyId);
      emit({ type: 'EnemyDefeatShared', data: { playerId, enemyId, locationId, killerId } });
      if (xp > 0)
        emit({
          type: 'XpGained',
          data: { playerId, amount: xp, xp: fold.state.xp + xp, reason: `shared:${enemyId}` },
        });
      const name = enemy?.name ?? enemyId;
      result = {
        action_type: 'share_kill',
        narration: `${killerName} fells the ${name}. You share in the defeat of the ${name}${xp > 0 ? ` (+${xp} XP)` : ''}.`,
        enemy: { id: enemyId, name },
        killer: killerName,
        xp_gained: xp,
      };
      break;
    }
    case 'NoteTrade': {
      const { fromName, itemId, forItemId, note } = command;
      const item = { id: itemId, name: itemName(itemId) };
      result =
        note === 'offered' && forItemId !== undefined
          ? {
              action_type: 'trade',
              narration: `${fromName} offers you ${withArticle(item.name)} for your ${itemName(forItemId)}. (accept ${fromName}'s trade, or decline ${fromName}'s trade)`,
              trade: 'offered',
              from: fromName,
              item,
              for: { id: forItemId, name: itemName(forItemId) },
            }
          : {
              action_type: 'trade',
              narration: `${fromName} takes back the offer of the ${item.name}.`,
              trade: 'withdrawn',
              from: fromName,
              item,
            };
      break;
    }
  }
  emit(...questProgress(world, fold.state, facts));
  return [
    ...events,
    {
      type: 'ActionResolved',
      data: {
        actionId: command.noticeId,
        result: withConsequences(world, result, events, fold.state),
        source: 'rules',
        refusedEffects: [],
      },
    },
  ];
}
