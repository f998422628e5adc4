import type { PlayerEvent } from '../domain/player/player.ts';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { npcPrivateNews } from './npc-news.ts';
import type { Broadcast } from './outcome-feed.ts';
import type { PlaceNewsContext } from './place-news.ts';

/**
 * Events told to one player alone: never place news (not in PLACE_NEWS_EVENT_TYPES), so nobody else
 * standing there and no spectator hears of them. An NPC's reaction is place news that the player it
 * is about is also told, wherever they are (its event type is in PLACE_NEWS_EVENT_TYPES).
 */
export const PRIVATE_NEWS_EVENT_TYPES = ['PlayerWhispered'];

/** What one player (`playerId`) alone is told of an event; `actor` caused it. */
export interface PrivateNews {
  playerId: string;
  actor: string;
  broadcast: Broadcast;
}

/** The one decision of what an event tells a single player; [] for every event that is not private news. */
export function privateNews(
  stored: StoredEvent,
  context: Pick<PlaceNewsContext, 'name'> & Partial<Pick<PlaceNewsContext, 'npc'>>,
): PrivateNews[] {
  const event = stored as unknown as PlayerEvent;
  if (stored.type === 'NpcReacted') return npcPrivateNews(stored, context.npc ?? ((npcId) => npcId));
  if (event.type !== 'PlayerWhispered') return [];
  const { playerId, toPlayerId, message } = event.data;
  const name = context.name(playerId);
  return [
    {
      playerId: toPlayerId,
      actor: playerId,
      broadcast: {
        event: 'player_whispered',
        player: name,
        message,
        text: `${name} whispers to you: "${message}"`,
      },
    },
  ];
}
