import type { Effect } from '../rules/effects.ts';
import type { PlayerEvent } from './player-events.ts';

type TradeEffect = Extract<
  Effect,
  { kind: 'offer-trade' | 'accept-trade' | 'decline-trade' | 'withdraw-trade' }
>;

/** The acting player's own side of a trade (the other side reaches the other player as a delivery). */
export function tradeEvents(playerId: string, effect: TradeEffect): PlayerEvent[] {
  switch (effect.kind) {
    case 'offer-trade':
      // On the table until the offer is answered: nothing this player does can spend it meanwhile.
      return [
        { type: 'ItemRemovedFromInventory', data: { playerId, itemId: effect.give, reason: 'offered' } },
      ];
    case 'accept-trade':
      return [
        { type: 'ItemRemovedFromInventory', data: { playerId, itemId: effect.give, reason: 'traded' } },
        {
          type: 'ItemAddedToInventory',
          data: { playerId, itemId: effect.get, reason: 'traded', fromPlayerId: effect.player },
        },
      ];
    case 'decline-trade':
      return [];
    case 'withdraw-trade':
      return [{ type: 'ItemAddedToInventory', data: { playerId, itemId: effect.item, reason: 'returned' } }];
  }
}
