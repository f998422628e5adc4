import type { LocationEvent } from '../domain/location/location.ts';
import type { TradeEvent } from '../domain/location/trades.ts';
import type { PlayerEvent } from '../domain/player/player.ts';
import { withArticle } from '../domain/world/grammar.ts';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { NPC_NEWS_EVENT_TYPES, npcNews } from './npc-news.ts';
import type { Broadcast } from './outcome-feed.ts';

/** The events that anyone standing somewhere may witness; nothing else of the log is public. */
export const PLACE_NEWS_EVENT_TYPES = [
  'PlayerMoved',
  'PlayerEnteredWorld',
  'PlayerLeftWorld',
  'PlayerSaid',
  'PlayerEmoted',
  'PlayerDefeated',
  'PlayerRespawned',
  'EnemyDamaged',
  'EnemyDefeated',
  'LootDropped',
  'ItemPickedUp',
  'ItemDropped',
  'ItemHandedOver',
  'TradeOffered',
  'TradeAccepted',
  'TradeDeclined',
  'TradeWithdrawn',
  ...NPC_NEWS_EVENT_TYPES,
];

export interface PlaceNewsContext {
  /** A player's name as others see it. */
  name(playerId: string): string;
  place(locationId: string): string;
  enemy(enemyId: string): string;
  item(itemId: string): string;
  npc(npcId: string): string;
  /** Where the player stood when the event happened (entering or leaving the world names no place). */
  locationOf(playerId: string, event: StoredEvent): string | undefined;
}

/** What the players at one location are told of an event; `actor` caused it (and is not told). */
export interface PlaceNews {
  locationId: string;
  actor: string;
  broadcast: Broadcast;
}

/**
 * The one decision of what an event shows to whoever stands where it happened: players online there
 * (OutcomeFeed → BroadcastHub) and spectators (GET /spectate/:locationId) both hear exactly this.
 * Results, inventories, conversations and tokens are never news: they are not in PLACE_NEWS_EVENT_TYPES.
 */
export function placeNews(stored: StoredEvent, context: PlaceNewsContext): PlaceNews[] {
  const event = stored as unknown as PlayerEvent | LocationEvent;
  const { name, place } = context;
  switch (event.type) {
    case 'PlayerMoved': {
      const { playerId, from, to, direction } = event.data;
      return [
        news(from, playerId, {
          event: 'player_left',
          player: name(playerId),
          text: `${name(playerId)} leaves ${direction}, toward ${place(to)}.`,
        }),
        news(to, playerId, {
          event: 'player_arrived',
          player: name(playerId),
          text: `${name(playerId)} arrives from ${place(from)}.`,
        }),
      ];
    }
    case 'PlayerSaid': {
      const { playerId, locationId, message } = event.data;
      return [
        news(locationId, playerId, {
          event: 'player_said',
          player: name(playerId),
          message,
          text: `${name(playerId)} says: "${message}"`,
        }),
      ];
    }
    case 'PlayerEmoted': {
      const { playerId, locationId, message } = event.data;
      return [
        news(locationId, playerId, {
          event: 'player_emoted',
          player: name(playerId),
          message,
          text: `${name(playerId)} ${message}`,
        }),
      ];
    }
    case 'EnemyDamaged': {
      const { playerId, locationId, enemyId, damage, hp } = event.data;
      const enemy = context.enemy(enemyId);
      return [
        news(locationId, playerId, {
          event: 'combat',
          player: name(playerId),
          enemy,
          enemy_id: enemyId,
          enemy_hp: hp,
          text: `${name(playerId)} strikes the ${enemy} for ${damage} damage.`,
        }),
      ];
    }
    case 'EnemyDefeated': {
      const { playerId, locationId, enemyId } = event.data;
      const enemy = context.enemy(enemyId);
      return [
        news(locationId, playerId, {
          event: 'combat',
          player: name(playerId),
          enemy,
          enemy_id: enemyId,
          defeated: true,
          text: `${name(playerId)} has slain the ${enemy}!`,
        }),
      ];
    }
    case 'LootDropped': {
      // The killer's own result says what fell: the location's command carries who acted.
      const { locationId, enemyId, itemId } = event.data;
      const killer = typeof stored.metadata.playerId === 'string' ? stored.metadata.playerId : '';
      const item = { id: itemId, name: context.item(itemId) };
      return [
        news(locationId, killer, {
          event: 'loot_dropped',
          enemy: context.enemy(enemyId),
          item,
          text: `The ${context.enemy(enemyId)} drops ${withArticle(item.name)}.`,
        }),
      ];
    }
    case 'ItemPickedUp':
    case 'ItemDropped': {
      const { locationId, itemId, playerId, perPlayer } = event.data;
      const item = { id: itemId, name: context.item(itemId) };
      const taken = event.type === 'ItemPickedUp';
      return [
        news(locationId, playerId, {
          event: taken ? 'item_taken' : 'item_dropped',
          player: name(playerId),
          item,
          // Their own one of a per-player item: the onlookers' own ones stay where they are.
          ...(perPlayer ? { per_player: true } : {}),
          text: taken
            ? `${name(playerId)} picks up the ${item.name}.`
            : `${name(playerId)} sets down the ${item.name}.`,
        }),
      ];
    }
    case 'ItemHandedOver': {
      // The receiver's client leaves this line out: their own result says "… gives you …".
      const { locationId, itemId, playerId, toPlayerId } = event.data;
      const item = { id: itemId, name: context.item(itemId) };
      return [
        news(locationId, playerId, {
          event: 'item_given',
          player: name(playerId),
          to: name(toPlayerId),
          item,
          text: `${name(playerId)} gives ${name(toPlayerId)} ${withArticle(item.name)}.`,
        }),
      ];
    }
    case 'TradeOffered':
    case 'TradeAccepted':
    case 'TradeDeclined':
    case 'TradeWithdrawn':
      return [tradeNews(event, context)];
    case 'PlayerDefeated': {
      const { playerId, locationId } = event.data;
      return [
        news(locationId, playerId, {
          event: 'player_defeated',
          player: name(playerId),
          text: `${name(playerId)} falls!`,
        }),
      ];
    }
    case 'PlayerRespawned': {
      const { playerId, locationId } = event.data;
      return [
        news(locationId, playerId, {
          event: 'player_appeared',
          player: name(playerId),
          text: `${name(playerId)} stumbles in, pale and shaken.`,
        }),
      ];
    }
    case 'PlayerEnteredWorld':
    case 'PlayerLeftWorld': {
      const { playerId, otherSessions } = event.data;
      // Another window of the same player stays open: to those around, nobody came or went.
      if (otherSessions) return [];
      const locationId = context.locationOf(playerId, stored);
      if (!locationId) return [];
      const entered = event.type === 'PlayerEnteredWorld';
      return [
        news(locationId, playerId, {
          event: entered ? 'player_appeared' : 'player_vanished',
          player: name(playerId),
          text: entered ? `${name(playerId)} appears.` : `${name(playerId)} fades from view.`,
        }),
      ];
    }
    default:
      return npcNews(stored, context.npc);
  }
}

/**
 * A trade as onlookers see it. `to` names the other party, whose client leaves the line out: their
 * own result (a delivery, see src/gpu/deliveries.ts) tells them in their own terms.
 */
function tradeNews(event: TradeEvent, context: PlaceNewsContext): PlaceNews {
  const { name, item } = context;
  const { locationId, playerId, itemId } = event.data;
  const actor = name(playerId);
  const offered = withArticle(item(itemId));
  switch (event.type) {
    case 'TradeOffered': {
      const to = name(event.data.toPlayerId);
      return news(locationId, playerId, {
        event: 'trade_offered',
        player: actor,
        to,
        text: `${actor} offers ${to} ${offered} for ${withArticle(item(event.data.forItemId))}.`,
      });
    }
    case 'TradeAccepted': {
      const to = name(event.data.fromPlayerId);
      return news(locationId, playerId, {
        event: 'trade_accepted',
        player: actor,
        to,
        text: `${actor} and ${to} trade: ${withArticle(item(event.data.forItemId))} for ${offered}.`,
      });
    }
    case 'TradeDeclined': {
      const to = name(event.data.fromPlayerId);
      return news(locationId, playerId, {
        event: 'trade_declined',
        player: actor,
        to,
        text: `${actor} declines ${to}'s offer of ${offered}.`,
      });
    }
    case 'TradeWithdrawn': {
      const to = name(event.data.toPlayerId);
      return news(locationId, playerId, {
        event: 'trade_withdrawn',
        player: actor,
        to,
        text: `${actor} takes back the offer of ${offered} to ${to}.`,
      });
    }
  }
}

const news = (locationId: string, actor: string, broadcast: Broadcast): PlaceNews => ({
  locationId,
  actor,
  broadcast,
});
