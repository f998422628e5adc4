import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { type PlaceNewsContext, placeNews } from './place-news.ts';

const names: Record<string, string> = { p1: 'Aldric', p2: 'Bea' };
const items: Record<string, string> = { torch: 'torch', rope: 'coil of rope', amulet: 'amulet' };
const context: PlaceNewsContext = {
  name: (playerId) => names[playerId] ?? playerId,
  place: (locationId) => locationId,
  enemy: (enemyId) => enemyId,
  item: (itemId) => items[itemId] ?? itemId,
  npc: (npcId) => npcId,
  locationOf: () => 'square',
};

const stored = (type: string, data: object): StoredEvent => ({
  id: 'e1',
  type,
  data,
  metadata: { timestamp: new Date(0).toISOString() },
  streamId: 'location-square',
  revision: 0n,
  position: 1n,
});

/** Who is not told (the actor), and what the others there read. */
const told = (type: string, data: object) =>
  placeNews(stored(type, { locationId: 'square', ...data }), context).map((news) => ({
    at: news.locationId,
    except: news.actor,
    event: news.broadcast.event,
    to: news.broadcast.to,
    text: news.broadcast.text,
  }));

describe('place news of gifts and trades between players', () => {
  it('tells those standing there who gave whom what, naming the receiver (whose own result says it)', () => {
    expect(told('ItemHandedOver', { itemId: 'torch', playerId: 'p1', toPlayerId: 'p2' })).toEqual([
      { at: 'square', except: 'p1', event: 'item_given', to: 'Bea', text: 'Aldric gives Bea a torch.' },
    ]);
  });

  it('tells an offer and each way it ends', () => {
    const offer = { offerId: 'o1', itemId: 'amulet', playerId: 'p1' };
    expect(
      told('TradeOffered', { ...offer, toPlayerId: 'p2', forItemId: 'rope', expiresAt: '' }).map(
        (n) => n.text,
      ),
    ).toEqual(['Aldric offers Bea an amulet for a coil of rope.']);
    expect(
      told('TradeAccepted', { ...offer, playerId: 'p2', fromPlayerId: 'p1', forItemId: 'rope' }),
    ).toEqual([
      {
        at: 'square',
        except: 'p2',
        event: 'trade_accepted',
        to: 'Aldric',
        text: 'Bea and Aldric trade: a coil of rope for an amulet.',
      },
    ]);
    expect(
      told('TradeDeclined', { ...offer, playerId: 'p2', fromPlayerId: 'p1' }).map((n) => n.text),
    ).toEqual(["Bea declines Aldric's offer of an amulet."]);
    expect(told('TradeWithdrawn', { ...offer, toPlayerId: 'p2' }).map((n) => n.text)).toEqual([
      'Aldric takes back the offer of an amulet to Bea.',
    ]);
  });
});
