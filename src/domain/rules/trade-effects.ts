import { openOfferBy } from '../location/trades.ts';
import type { Effect, Situation } from './effects.ts';

type TradeEffect = Extract<
  Effect,
  { kind: 'offer-trade' | 'accept-trade' | 'decline-trade' | 'withdraw-trade' }
>;

/**
 * Why the rules refuse a trade effect, if they do: checked against what the player carries, who is
 * online here and the offers open at the place (which the location settles again when it records).
 */
export function tradeRefusal(situation: Situation, effect: TradeEffect): string | undefined {
  const { player, location, at, world } = situation;
  const here = player.locationId;
  const carried = (itemId: string) => player.inventory.includes(itemId);
  const present = (playerId: string) => situation.playerHere?.(playerId) === true;
  const trade = 'offer' in effect ? location.trades?.[effect.offer] : undefined;

  switch (effect.kind) {
    case 'offer-trade':
      if (effect.player === player.playerId) return 'a player cannot trade with themselves';
      if (!carried(effect.give)) return `${effect.give} is not carried`;
      if (!world.items.has(effect.for)) return `unknown item ${effect.for}`;
      if (!present(effect.player)) return `${effect.player} is not online at ${here}`;
      return openOfferBy(location.trades, player.playerId)
        ? `an offer is already open at ${here}`
        : undefined;
    case 'accept-trade':
      if (!trade || trade.to !== player.playerId || trade.from !== effect.player)
        return `no offer ${effect.offer} from ${effect.player} is open at ${here}`;
      if (trade.itemId !== effect.get || trade.forItemId !== effect.give)
        return `offer ${effect.offer} is ${trade.itemId} for ${trade.forItemId}`;
      if (!carried(effect.give)) return `${effect.give} is not carried`;
      if (at.getTime() >= Date.parse(trade.expiresAt)) return `offer ${effect.offer} has lapsed`;
      return present(effect.player) ? undefined : `${effect.player} is not online at ${here}`;
    case 'decline-trade':
      return trade && trade.to === player.playerId && trade.from === effect.player
        ? undefined
        : `no offer ${effect.offer} from ${effect.player} is open at ${here}`;
    case 'withdraw-trade':
      return trade && trade.from === player.playerId && trade.itemId === effect.item
        ? undefined
        : `no offer ${effect.offer} of ${effect.item} by this player is open at ${here}`;
  }
}
