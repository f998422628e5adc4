import { describe, it } from 'vitest';
import { deciderSpec } from '../testing/decider-spec.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { type LocationEvent, locationDecider } from './location.ts';

const square = deciderSpec(locationDecider(fixtureWorld(), 'square'));
const at = '2026-11-25T12:00:00.000Z';
const lapsed = '2026-11-25T12:01:00.000Z';

const offered: LocationEvent = {
  type: 'TradeOffered',
  data: {
    locationId: 'square',
    offerId: 'o1',
    playerId: 'p1',
    toPlayerId: 'p2',
    itemId: 'herb',
    forItemId: 'dagger',
    expiresAt: lapsed,
  },
};
const answer = (playerId: string, kind: 'accept' | 'decline' | 'withdraw', when = at) =>
  ({ type: 'AnswerTrade', offerId: 'o1', playerId, answer: kind, at: when }) as const;

describe('location decider: trades', () => {
  it('records an offer, open for 60 s', () => {
    square
      .given([])
      .when({
        type: 'OfferTrade',
        offerId: 'o1',
        playerId: 'p1',
        toPlayerId: 'p2',
        itemId: 'herb',
        forItemId: 'dagger',
        at,
      })
      .then([offered]);
  });

  it('refuses a second open offer by the same player, an offer to oneself, and unknown items', () => {
    const another = {
      type: 'OfferTrade',
      offerId: 'o2',
      playerId: 'p1',
      toPlayerId: 'p3',
      itemId: 'petal',
      forItemId: 'fang',
      at,
    } as const;
    square.given([offered]).when(another).thenRefuses('offer_open');
    square
      .given([])
      .when({ ...another, toPlayerId: 'p1' })
      .thenRefuses('same_player');
    square
      .given([])
      .when({ ...another, forItemId: 'crown' })
      .thenRefuses('unknown_item');
  });

  it('lets the player offered to accept it while it is open: both items change hands', () => {
    square
      .given([offered])
      .when(answer('p2', 'accept'))
      .then([
        {
          type: 'TradeAccepted',
          data: {
            locationId: 'square',
            offerId: 'o1',
            playerId: 'p2',
            fromPlayerId: 'p1',
            itemId: 'herb',
            forItemId: 'dagger',
          },
        },
      ]);
  });

  it('settles an offer once: after an accept, a decline or a take-back, nothing more can happen to it', () => {
    const closed: LocationEvent[] = [
      {
        type: 'TradeDeclined',
        data: { locationId: 'square', offerId: 'o1', playerId: 'p2', fromPlayerId: 'p1', itemId: 'herb' },
      },
      {
        type: 'TradeWithdrawn',
        data: { locationId: 'square', offerId: 'o1', playerId: 'p1', toPlayerId: 'p2', itemId: 'herb' },
      },
      {
        type: 'TradeAccepted',
        data: {
          locationId: 'square',
          offerId: 'o1',
          playerId: 'p2',
          fromPlayerId: 'p1',
          itemId: 'herb',
          forItemId: 'dagger',
        },
      },
    ];
    for (const end of closed) {
      square.given([offered, end]).when(answer('p2', 'accept')).thenRefuses('no_offer');
      square.given([offered, end]).when(answer('p1', 'withdraw')).thenRefuses('no_offer');
    }
  });

  it('refuses an accept after the offer lapsed, but a decline still sends the item back', () => {
    square
      .given([offered])
      .when(answer('p2', 'accept', lapsed))
      .thenRefuses('offer_expired');
    square
      .given([offered])
      .when(answer('p2', 'decline', lapsed))
      .then([
        {
          type: 'TradeDeclined',
          data: { locationId: 'square', offerId: 'o1', playerId: 'p2', fromPlayerId: 'p1', itemId: 'herb' },
        },
      ]);
  });

  it('lets only the one offered to answer, and only the one who offered take it back', () => {
    square.given([offered]).when(answer('p3', 'accept')).thenRefuses('not_for_you');
    square.given([offered]).when(answer('p1', 'accept')).thenRefuses('not_for_you');
    square.given([offered]).when(answer('p2', 'withdraw')).thenRefuses('not_yours');
    square
      .given([offered])
      .when(answer('p1', 'withdraw'))
      .then([
        {
          type: 'TradeWithdrawn',
          data: { locationId: 'square', offerId: 'o1', playerId: 'p1', toPlayerId: 'p2', itemId: 'herb' },
        },
      ]);
  });
});
