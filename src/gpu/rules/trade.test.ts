import { describe, expect, it } from 'vitest';
import type { ActionOf } from '../../domain/actions.ts';
import type { OpenTrade } from '../../domain/location/trades.ts';
import { checkEffects } from '../../domain/rules/effects.ts';
import type { OnlinePlayer } from '../lane.ts';
import { AT, actionContext } from '../prompts/testing/context.ts';
import { inventory } from './items.ts';
import { quest } from './quests.ts';
import { trade } from './trade.ts';

const bea: OnlinePlayer = { playerId: 'p2', name: 'Beatrix', locationId: 'square' };
const cal: OnlinePlayer = { playerId: 'p3', name: 'Caladan', locationId: 'woods' };
const soon = new Date(AT.getTime() + 30_000).toISOString();
const gone = new Date(AT.getTime() - 1_000).toISOString();

/** An offer from Beatrix (p2) to the acting player (p1): her dagger for their herb. */
const fromBea = (expiresAt = soon): Record<string, OpenTrade> => ({
  o1: { from: 'p2', to: 'p1', itemId: 'dagger', forItemId: 'herb', expiresAt },
});

function trading(
  action: Omit<ActionOf<'trade'>, 'action_type'>,
  options: { inventory?: string[]; trades?: Record<string, OpenTrade>; online?: OnlinePlayer[] } = {},
) {
  const full = { action_type: 'trade', ...action } as ActionOf<'trade'>;
  const context = actionContext({
    action: full,
    actionId: 'a7',
    player: { inventory: options.inventory ?? ['herb'] },
    online: options.online ?? [bea, cal],
    states: { square: { trades: options.trades ?? {} } },
  });
  const proposal = trade(context, full);
  const situation = {
    world: context.world,
    player: context.player,
    location: context.locationState,
    at: context.at,
    playerHere: (id: string) => context.online.here().some((other) => other.playerId === id),
  };
  return { proposal, refused: checkEffects(situation, proposal.effects).refused };
}

describe('trade: offers between players here', () => {
  it('offers a carried item for an item to a player here (the offer id is the action id)', () => {
    const { proposal, refused } = trading({ op: 'offer', with: 'bea', give: 'herb', for: 'dagger' });
    expect(proposal.effects).toEqual([
      { kind: 'offer-trade', offer: 'a7', player: 'p2', give: 'herb', for: 'dagger' },
    ]);
    expect(proposal.result.narration).toBe(
      'You offer Beatrix your healing herb for a dagger. The healing herb lies on the table until Beatrix answers (the offer stands for 60 s; decline takes it back).',
    );
    expect(refused).toEqual([]);
  });

  it('refuses an offer clearly: nobody by that name here, someone elsewhere, oneself, not carried, no such thing, one already open', () => {
    const narration = (action: Omit<ActionOf<'trade'>, 'action_type'>, trades?: Record<string, OpenTrade>) =>
      trading(action, trades ? { trades } : {}).proposal.result.narration;
    expect(narration({ op: 'offer', with: 'zed', give: 'herb', for: 'dagger' })).toBe(
      'There is no one called zed here to trade with.',
    );
    expect(narration({ op: 'offer', with: 'cal', give: 'herb', for: 'dagger' })).toBe(
      'Caladan is not here: you can only trade with someone beside you.',
    );
    expect(narration({ op: 'offer', with: 'ayla', give: 'herb', for: 'dagger' })).toBe(
      'You cannot trade with yourself.',
    );
    expect(narration({ op: 'offer', with: 'bea', give: 'petal', for: 'dagger' })).toBe(
      'You are not carrying any petal.',
    );
    expect(narration({ op: 'offer', with: 'bea', give: 'herb', for: 'crown' })).toBe(
      'There is no such thing as a crown to ask for.',
    );
    expect(
      narration(
        { op: 'offer', with: 'bea', give: 'herb', for: 'dagger' },
        { o0: { from: 'p1', to: 'p3', itemId: 'petal', forItemId: 'fang', expiresAt: soon } },
      ),
    ).toBe(
      'You already have an offer on the table: your moon petal for a wolf fang. Take it back first (decline).',
    );
  });

  it('accepts the open offer made to the player: gives what is asked, gets what is offered', () => {
    const { proposal, refused } = trading({ op: 'accept', with: 'bea' }, { trades: fromBea() });
    expect(proposal.effects).toEqual([
      { kind: 'accept-trade', offer: 'o1', player: 'p2', give: 'herb', get: 'dagger' },
    ]);
    expect(proposal.result.narration).toBe(
      "You accept Beatrix's offer: your healing herb for a dagger, which is yours now.",
    );
    expect(refused).toEqual([]);
    // Without naming anyone: the latest offer made to the player.
    expect(trading({ op: 'accept' }, { trades: fromBea() }).proposal.effects).toHaveLength(1);
  });

  it('a bare "accept" or "accept bea" (read as a quest) with no such quest on offer here accepts the trade offered to the player', async () => {
    const bare = (trades: Record<string, OpenTrade>, named?: string) => {
      const action = { action_type: 'quest', op: 'accept', ...(named ? { quest: named } : {}) } as const;
      return quest(
        actionContext({
          action,
          player: { inventory: ['herb'] },
          online: [bea, cal],
          states: { square: { trades } },
        }),
        action,
      );
    };
    const accepted = await bare(fromBea());
    expect(accepted.effects).toEqual([
      { kind: 'accept-trade', offer: 'o1', player: 'p2', give: 'herb', get: 'dagger' },
    ]);
    expect(accepted.result).toMatchObject({ action_type: 'trade', trade: 'accepted' });
    // "accept bea": no quest by that name, so it is her trade.
    expect((await bare(fromBea(), 'bea')).effects).toEqual(accepted.effects);
    expect((await bare(fromBea(), 'zed')).result.narration).toBe(
      'There is no one called zed here to trade with.',
    );
    const nothingOpen = await bare({});
    expect(nothingOpen.effects).toEqual([]);
    expect(nothingOpen.result.narration).toContain('No one here offers you a quest');
  });

  it('refuses an accept clearly: no offer, lapsed, the asked item not carried, the offerer gone', () => {
    expect(trading({ op: 'accept', with: 'bea' }).proposal.result.narration).toBe(
      'Beatrix has no offer open to you here.',
    );
    expect(trading({ op: 'accept', with: 'bea' }, { trades: fromBea(gone) }).proposal).toMatchObject({
      effects: [],
      result: {
        narration:
          "Beatrix's offer of a dagger for your healing herb has lapsed (offers stand for 60 s). Decline it to send the dagger back.",
      },
    });
    expect(
      trading({ op: 'accept', with: 'bea' }, { trades: fromBea(), inventory: [] }).proposal.result.narration,
    ).toBe('Beatrix asks for a healing herb, and you have none.');
    expect(
      trading({ op: 'accept', with: 'bea' }, { trades: fromBea(), online: [{ ...bea, locationId: 'hut' }] })
        .proposal.result.narration,
    ).toBe('Beatrix is no longer here to trade with.');
  });

  it('an offer whose maker has gone offline is told without a name, never "someone", and can be sent back', () => {
    const offline = { online: [cal] };
    expect(trading({ op: 'accept' }, { trades: fromBea(), ...offline }).proposal).toMatchObject({
      effects: [],
      result: {
        narration:
          'Whoever offered you a dagger for your healing herb has gone; decline the offer to send the dagger back to them.',
      },
    });
    const declined = trading({ op: 'decline' }, { trades: fromBea(), ...offline });
    expect(declined.proposal.effects).toEqual([{ kind: 'decline-trade', offer: 'o1', player: 'p2' }]);
    expect(declined.proposal.result.narration).toBe(
      'You decline the offer of a dagger for your healing herb; the dagger goes back to the one who left it.',
    );
    expect(declined.refused).toEqual([]);
    const own = { o2: { from: 'p1', to: 'p2', itemId: 'herb', forItemId: 'dagger', expiresAt: soon } };
    expect(
      trading({ op: 'decline' }, { trades: own, inventory: [], ...offline }).proposal.result.narration,
    ).toBe('You take back your offer; the healing herb is yours again.');
  });

  it('declines an offer made to the player, or takes back their own', () => {
    expect(trading({ op: 'decline' }, { trades: fromBea() }).proposal.effects).toEqual([
      { kind: 'decline-trade', offer: 'o1', player: 'p2' },
    ]);
    const own = { o2: { from: 'p1', to: 'p2', itemId: 'herb', forItemId: 'dagger', expiresAt: gone } };
    const { proposal, refused } = trading({ op: 'decline' }, { trades: own, inventory: [] });
    expect(proposal.effects).toEqual([{ kind: 'withdraw-trade', offer: 'o2', item: 'herb' }]);
    expect(proposal.result.narration).toBe(
      'You take back your offer to Beatrix; the healing herb is yours again.',
    );
    expect(refused).toEqual([]);
    expect(trading({ op: 'decline' }).proposal.result.narration).toBe(
      'No one has an offer open to you here.',
    );
  });

  it('the rules refuse trade effects that do not match an open offer', () => {
    const { refused } = trading({ op: 'accept', with: 'bea' }, { trades: fromBea() });
    expect(refused).toEqual([]);
    const context = actionContext({
      action: { action_type: 'trade', op: 'accept' },
      player: { inventory: ['herb'] },
      online: [bea],
      states: { square: { trades: fromBea() } },
    });
    const situation = {
      world: context.world,
      player: context.player,
      location: context.locationState,
      at: context.at,
      playerHere: () => true,
    };
    const reasons = checkEffects(situation, [
      { kind: 'accept-trade', offer: 'o1', player: 'p2', give: 'herb', get: 'vest' },
      { kind: 'accept-trade', offer: 'o9', player: 'p2', give: 'herb', get: 'dagger' },
      { kind: 'withdraw-trade', offer: 'o1', item: 'dagger' },
      { kind: 'decline-trade', offer: 'o1', player: 'p3' },
    ]).refused.map((r) => r.reason);
    expect(reasons).toEqual([
      'offer o1 is dagger for herb',
      'no offer o9 from p2 is open at square',
      'no offer o1 of dagger by this player is open at square',
      'no offer o1 from p3 is open at square',
    ]);
  });

  it('the inventory tells what the player has on the table here', () => {
    const context = actionContext({
      action: { action_type: 'inventory' },
      player: { inventory: [] },
      online: [bea],
      states: {
        square: {
          trades: { o2: { from: 'p1', to: 'p2', itemId: 'herb', forItemId: 'dagger', expiresAt: soon } },
        },
      },
    });
    expect(inventory(context).result.narration).toContain(
      'On the table: your healing herb, offered to Beatrix (decline to take it back).',
    );
    expect(inventory(actionContext({ action: { action_type: 'inventory' } })).result.narration).not.toContain(
      'On the table',
    );
  });
});
