import { DomainError, type DomainEvent } from '../decider.ts';

/**
 * Trades between two players standing in one place. The place is where an offer lies and the one
 * that settles its race: an offer can be accepted, declined or taken back once, whichever comes
 * first (one stream, one revision), exactly as two players racing for one item.
 *
 * The offered item leaves its owner's inventory when the offer is made and lies "on the table"
 * (here) until the offer is answered: nothing the offerer does meanwhile can spend it, so an accept
 * never needs the offerer's consent again and the offerer's side of it can never be refused.
 */
/** How long an offer can be accepted (real seconds from the offer's action). */
export const TRADE_OFFER_SECONDS = 60;

export interface OpenTrade {
  /** The player who offered, and the item they put on the table. */
  from: string;
  itemId: string;
  /** The player the offer is made to, and the item asked of them in return. */
  to: string;
  forItemId: string;
  /** After this, the offer can no longer be accepted (declining or taking it back still return the item). */
  expiresAt: string;
}

export type TradeStep =
  | {
      type: 'OfferTrade';
      offerId: string;
      playerId: string;
      toPlayerId: string;
      itemId: string;
      forItemId: string;
      /** When the offer was made (it lapses TRADE_OFFER_SECONDS later). */
      at: string;
    }
  | {
      type: 'AnswerTrade';
      offerId: string;
      playerId: string;
      /** accept or decline: by the player offered to; withdraw: by the one who offered. */
      answer: 'accept' | 'decline' | 'withdraw';
      at: string;
    };

type Offer = { locationId: string; offerId: string };
export type TradeEvent =
  | DomainEvent<
      'TradeOffered',
      Offer & { playerId: string; toPlayerId: string; itemId: string; forItemId: string; expiresAt: string }
    >
  | DomainEvent<
      'TradeAccepted',
      Offer & { playerId: string; fromPlayerId: string; itemId: string; forItemId: string }
    >
  | DomainEvent<'TradeDeclined', Offer & { playerId: string; fromPlayerId: string; itemId: string }>
  | DomainEvent<'TradeWithdrawn', Offer & { playerId: string; toPlayerId: string; itemId: string }>;

export type Trades = Readonly<Record<string, OpenTrade>>;

/** The open offer `playerId` made here, if any (one at a time). */
export const openOfferBy = (trades: Trades | undefined, playerId: string) =>
  Object.entries(trades ?? {}).find(([, trade]) => trade.from === playerId);

export function decideTrade(
  step: TradeStep,
  trades: Trades | undefined,
  locationId: string,
  itemKnown: (itemId: string) => boolean,
): TradeEvent[] {
  if (step.type === 'OfferTrade') {
    const { offerId, playerId, toPlayerId, itemId, forItemId, at } = step;
    const expiresAt = new Date(Date.parse(at) + TRADE_OFFER_SECONDS * 1000).toISOString();
    if (playerId === toPlayerId)
      throw new DomainError('same_player', 'a player cannot trade with themselves');
    if (!itemKnown(itemId) || !itemKnown(forItemId))
      throw new DomainError('unknown_item', `no such item: ${itemKnown(itemId) ? forItemId : itemId}`);
    if (openOfferBy(trades, playerId))
      throw new DomainError('offer_open', 'this player already has an offer open here');
    return [
      {
        type: 'TradeOffered',
        data: { locationId, offerId, playerId, toPlayerId, itemId, forItemId, expiresAt },
      },
    ];
  }
  const { offerId, playerId, answer, at } = step;
  const trade = trades?.[offerId];
  if (!trade) throw new DomainError('no_offer', 'that offer is no longer open');
  const { from, itemId, forItemId } = trade;
  if (answer === 'withdraw') {
    if (playerId !== from) throw new DomainError('not_yours', 'only the player who offered can take it back');
    return [
      { type: 'TradeWithdrawn', data: { locationId, offerId, playerId, toPlayerId: trade.to, itemId } },
    ];
  }
  if (playerId !== trade.to) throw new DomainError('not_for_you', 'that offer was made to someone else');
  if (answer === 'decline')
    return [{ type: 'TradeDeclined', data: { locationId, offerId, playerId, fromPlayerId: from, itemId } }];
  if (Date.parse(at) >= Date.parse(trade.expiresAt))
    throw new DomainError('offer_expired', 'that offer has lapsed');
  return [
    { type: 'TradeAccepted', data: { locationId, offerId, playerId, fromPlayerId: from, itemId, forItemId } },
  ];
}

export function evolveTrades(trades: Trades | undefined, event: TradeEvent): Trades {
  if (event.type === 'TradeOffered') {
    const { offerId, playerId, toPlayerId, itemId, forItemId, expiresAt } = event.data;
    return { ...trades, [offerId]: { from: playerId, to: toPlayerId, itemId, forItemId, expiresAt } };
  }
  const { [event.data.offerId]: _closed, ...open } = trades ?? {};
  return open;
}
