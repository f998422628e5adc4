import type { ActionOf } from '../../domain/actions.ts';
import { type OpenTrade, openOfferBy, TRADE_OFFER_SECONDS } from '../../domain/location/trades.ts';
import { withArticle } from '../../domain/world/grammar.ts';
import { findByName } from '../../domain/world/lookup.ts';
import type { ActionContext, OnlinePlayer, Proposal } from '../lane.ts';
import { answer, itemsOf } from './answer.ts';

const named = (players: readonly OnlinePlayer[]) => players.map((p) => ({ ...p, id: p.playerId }));

/**
 * Trading between two players standing in one place (see domain/location/trades.ts):
 * `trade {with, give, for}` puts an item on the table for an item of the other player's, for
 * TRADE_OFFER_SECONDS; they answer `trade {op: 'accept', with}` or `trade {op: 'decline', with}`.
 * `trade {op: 'decline'}` with no offer made to the player takes back their own offer.
 */
export function trade(context: ActionContext, action: ActionOf<'trade'>): Proposal {
  switch (action.op) {
    case 'offer':
      return offer(context, action);
    case 'accept':
    case 'decline':
      return respond(context, action);
  }
}

function offer(context: ActionContext, action: ActionOf<'trade'>): Proposal {
  const { player, world } = context;
  const wanted = action.with ?? '';
  const partner = findByName(named(context.online.here()), wanted);
  if (!partner) return answer('trade', nobodyHere(context, wanted));
  const give = findByName(itemsOf(context, player.inventory), action.give ?? '');
  if (!give) return answer('trade', `You are not carrying any ${action.give}.`);
  const asked = findByName(world.content.items, action.for ?? '');
  if (!asked)
    return answer('trade', `There is no such thing as ${withArticle(action.for ?? '')} to ask for.`);
  const open = openOfferBy(context.locationState.trades, player.playerId);
  if (open) {
    const [, trade] = open;
    return answer(
      'trade',
      `You already have an offer on the table: your ${world.items.get(trade.itemId)?.name} for ${withArticle(world.items.get(trade.forItemId)?.name ?? trade.forItemId)}. Take it back first (decline).`,
    );
  }
  return {
    effects: [
      {
        kind: 'offer-trade',
        offer: context.actionId,
        player: partner.playerId,
        give: give.id,
        for: asked.id,
      },
    ],
    source: 'rules',
    result: {
      action_type: 'trade',
      trade: 'offered',
      narration: `You offer ${partner.name} your ${give.name} for ${withArticle(asked.name)}. The ${give.name} lies on the table until ${partner.name} answers (the offer stands for ${TRADE_OFFER_SECONDS} s; decline takes it back).`,
      to: partner.name,
      item: { id: give.id, name: give.name },
      for: { id: asked.id, name: asked.name },
    },
  };
}

function respond(context: ActionContext, action: ActionOf<'trade'>): Proposal {
  const { player, world } = context;
  const open = Object.entries(context.locationState.trades ?? {});
  const offeredToMe = open.filter(([, trade]) => trade.to === player.playerId);
  const names = named(context.online.everyone());
  const nameOf = (playerId: string) => names.find((p) => p.playerId === playerId)?.name ?? 'someone';
  const from = action.with === undefined ? undefined : findByName(names, action.with);
  if (action.with !== undefined && !from) return answer('trade', nobodyHere(context, action.with));
  // The latest offer made to this player (by the one named, when named).
  const mine = offeredToMe.filter(([, trade]) => !from || trade.from === from.playerId).at(-1);
  const itemName = (id: string) => world.items.get(id)?.name ?? id;

  if (!mine) {
    const own = openOfferBy(context.locationState.trades, player.playerId);
    if (
      action.op === 'decline' &&
      own &&
      (!from || from.playerId === player.playerId || own[1].to === from.playerId)
    )
      return withdraw(context, own[0], own[1], names.find((p) => p.playerId === own[1].to)?.name);
    const who = from ? `${from.name} has no offer` : 'No one has an offer';
    return answer('trade', `${who} open to you here.`);
  }

  const [offerId, trade] = mine;
  const offerer = nameOf(trade.from);
  const goods = `${withArticle(itemName(trade.itemId))} for your ${itemName(trade.forItemId)}`;
  // Who has gone offline is no longer known by name here: the offer is told without it.
  const offererLeft = !names.some((p) => p.playerId === trade.from);
  if (action.op === 'decline')
    return {
      effects: [{ kind: 'decline-trade', offer: offerId, player: trade.from }],
      source: 'rules',
      result: {
        action_type: 'trade',
        trade: 'declined',
        narration: offererLeft
          ? `You decline the offer of ${goods}; the ${itemName(trade.itemId)} goes back to the one who left it.`
          : `You decline ${offerer}'s offer of ${goods}.`,
        from: offerer,
      },
    };
  if (offererLeft)
    return answer(
      'trade',
      `Whoever offered you ${goods} has gone; decline the offer to send the ${itemName(trade.itemId)} back to them.`,
    );
  if (context.at.getTime() >= Date.parse(trade.expiresAt))
    return answer(
      'trade',
      `${offerer}'s offer of ${goods} has lapsed (offers stand for ${TRADE_OFFER_SECONDS} s). Decline it to send the ${itemName(trade.itemId)} back.`,
    );
  if (!player.inventory.includes(trade.forItemId))
    return answer(
      'trade',
      `${offerer} asks for ${withArticle(itemName(trade.forItemId))}, and you have none.`,
    );
  if (!context.online.here().some((p) => p.playerId === trade.from))
    return answer('trade', `${offerer} is no longer here to trade with.`);
  return {
    effects: [
      { kind: 'accept-trade', offer: offerId, player: trade.from, give: trade.forItemId, get: trade.itemId },
    ],
    source: 'rules',
    result: {
      action_type: 'trade',
      trade: 'accepted',
      narration: `You accept ${offerer}'s offer: your ${itemName(trade.forItemId)} for ${withArticle(itemName(trade.itemId))}, which is yours now.`,
      from: offerer,
      item: { id: trade.itemId, name: itemName(trade.itemId) },
      for: { id: trade.forItemId, name: itemName(trade.forItemId) },
    },
  };
}

function withdraw(
  context: ActionContext,
  offerId: string,
  trade: OpenTrade,
  toName: string | undefined,
): Proposal {
  const name = context.world.items.get(trade.itemId)?.name ?? trade.itemId;
  return {
    effects: [{ kind: 'withdraw-trade', offer: offerId, item: trade.itemId }],
    source: 'rules',
    result: {
      action_type: 'trade',
      trade: 'withdrawn',
      narration: `You take back your offer${toName ? ` to ${toName}` : ''}; the ${name} is yours again.`,
      item: { id: trade.itemId, name },
    },
  };
}

function nobodyHere(context: ActionContext, typed: string): string {
  const { player } = context;
  if (findByName([{ id: player.playerId, name: player.username }], typed))
    return 'You cannot trade with yourself.';
  const elsewhere = findByName(
    named(context.online.everyone()).filter((p) => p.playerId !== player.playerId),
    typed,
  );
  return elsewhere
    ? `${elsewhere.name} is not here: you can only trade with someone beside you.`
    : `There is no one called ${typed} here to trade with.`;
}

/** What the player has put on the table here in an open offer (it is not carried meanwhile). */
export function onTheTable(context: ActionContext): string | undefined {
  const open = openOfferBy(context.locationState.trades, context.player.playerId);
  if (!open) return undefined;
  const [, trade] = open;
  const name = context.world.items.get(trade.itemId)?.name ?? trade.itemId;
  const to = context.online.everyone().find((p) => p.playerId === trade.to)?.name;
  return `On the table: your ${name}, offered to ${to ?? 'a player who has since left'} (decline to take it back).`;
}
