import type { LocationEvent } from '../domain/location/location.ts';
import type { DeliveryCommand } from '../domain/player/deliveries.ts';
import type { ActionResult } from '../domain/player/player.ts';
import type { NewEvent } from '../infrastructure/event-store/event-store.ts';

/**
 * What one player's action brings to other players, read from the action's location events: an item
 * handed over, the other half of a trade (or the offered item back), word of a trade offer, a share in
 * an enemy's defeat.
 *
 * Why here, in the action processor's own flow, and in this order: location step → each other
 * player's step → the actor's `ResolveAction`. The location step is the action's point of no return
 * and pins who receives what (the events are found again by the step's command id after a crash, so
 * a re-run delivers to the same players even if a lane would now answer otherwise). The other
 * players' steps come before the actor's own record, so the action stays pending until they are all
 * done: a crash anywhere re-runs it, and each step's command id (hence its event ids) derives from the
 * action id and the receiver, so a step already appended is found and not appended again. The
 * receiver's step cannot be refused (see domain/player/deliveries.ts), and the actor's own side cannot
 * fail either (the actor's actions run one at a time, checked against the state they are recorded on):
 * after a crash at any point the item ends in exactly one inventory. A separate reactor following the
 * actor's events would need its own checkpoint and would tell the receiver later than the giver.
 */
export type Delivery =
  | {
      to: string;
      kind: 'receive';
      itemId: string;
      from: string;
      reason: 'given' | 'traded' | 'returned';
      tradedItemId?: string;
    }
  | { to: string; kind: 'share'; enemyId: string; locationId: string; killerId: string }
  | {
      to: string;
      kind: 'note';
      note: 'offered' | 'withdrawn';
      from: string;
      itemId: string;
      forItemId?: string;
    };

export function deliveriesIn(events: readonly NewEvent[]): Delivery[] {
  return events.flatMap((stored): Delivery[] => {
    const event = stored as unknown as LocationEvent;
    switch (event.type) {
      case 'ItemHandedOver': {
        const { itemId, playerId, toPlayerId } = event.data;
        return [{ to: toPlayerId, kind: 'receive', itemId, from: playerId, reason: 'given' }];
      }
      case 'EnemyDefeated': {
        const { enemyId, locationId, playerId, creditedPlayers = [] } = event.data;
        return creditedPlayers.map((to) => ({ to, kind: 'share', enemyId, locationId, killerId: playerId }));
      }
      case 'TradeOffered': {
        const { playerId, toPlayerId, itemId, forItemId } = event.data;
        return [{ to: toPlayerId, kind: 'note', note: 'offered', from: playerId, itemId, forItemId }];
      }
      case 'TradeWithdrawn': {
        const { playerId, toPlayerId, itemId } = event.data;
        return [{ to: toPlayerId, kind: 'note', note: 'withdrawn', from: playerId, itemId }];
      }
      case 'TradeAccepted': {
        // The offerer gets what they asked for; the item they offered has waited on the table.
        const { playerId, fromPlayerId, itemId, forItemId } = event.data;
        return [
          {
            to: fromPlayerId,
            kind: 'receive',
            itemId: forItemId,
            from: playerId,
            reason: 'traded',
            tradedItemId: itemId,
          },
        ];
      }
      case 'TradeDeclined': {
        const { playerId, fromPlayerId, itemId } = event.data;
        return [{ to: fromPlayerId, kind: 'receive', itemId, from: playerId, reason: 'returned' }];
      }
      default:
        return [];
    }
  });
}

/** The step's command id, and the id of the result the receiver is sent. */
export const deliveryId = (actionId: string, delivery: Delivery) =>
  `${actionId}/${delivery.kind}/${delivery.to}`;

/** `actorName`: the acting player's name, as the receiver is told it. */
export function deliveryCommand(actionId: string, delivery: Delivery, actorName: string): DeliveryCommand {
  const noticeId = deliveryId(actionId, delivery);
  switch (delivery.kind) {
    case 'receive':
      return {
        type: 'ReceiveItem',
        noticeId,
        itemId: delivery.itemId,
        fromPlayerId: delivery.from,
        fromName: actorName,
        reason: delivery.reason,
        ...(delivery.tradedItemId === undefined ? {} : { tradedItemId: delivery.tradedItemId }),
      };
    case 'share':
      return {
        type: 'ShareDefeat',
        noticeId,
        enemyId: delivery.enemyId,
        locationId: delivery.locationId,
        killerId: delivery.killerId,
        killerName: actorName,
      };
    case 'note':
      return {
        type: 'NoteTrade',
        noticeId,
        note: delivery.note,
        fromPlayerId: delivery.from,
        fromName: actorName,
        itemId: delivery.itemId,
        ...(delivery.forItemId === undefined ? {} : { forItemId: delivery.forItemId }),
      };
  }
}

/**
 * The killer's own result, told who shared the kill: their names as their own streams know them (read
 * when the shares were delivered), so the killer learns it in the same answer as the blow that felled.
 */
export function withSharers(result: ActionResult, sharers: readonly string[]): ActionResult {
  if (sharers.length === 0) return result;
  const names =
    sharers.length === 1 ? sharers[0] : `${sharers.slice(0, -1).join(', ')} and ${sharers.at(-1)}`;
  return {
    ...result,
    narration: `${result.narration}\n${names} ${sharers.length === 1 ? 'shares' : 'share'} in the kill.`,
    shared_with: [...sharers],
  };
}
