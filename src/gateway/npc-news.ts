import type { NpcLifeEvent } from '../domain/npc/npc-life-events.ts';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import type { PlaceNews } from './place-news.ts';
import type { PrivateNews } from './private-news.ts';

export const NPC_NEWS_EVENT_TYPES = ['NpcsConversed', 'NpcReacted'];

/**
 * What players at a place hear of the NPCs there: two of them talking (`npc_conversation`, each line
 * with who says it to whom) and one reacting to a world event (`npc_reaction`). Nobody caused them,
 * so everyone there is told, except the player a reaction is about: that player is told wherever
 * they are (see npcPrivateNews), once (a fallen player has already woken in the Village Square).
 */
export function npcNews(stored: StoredEvent, npcName: (npcId: string) => string): PlaceNews[] {
  const event = stored as unknown as NpcLifeEvent;
  switch (event.type) {
    case 'NpcsConversed': {
      const { locationId, speakers, topic, lines } = event.data;
      const listenerOf = (npcId: string) => (npcId === speakers[0] ? speakers[1] : speakers[0]);
      const said = lines.map((line) => ({
        npc: npcName(line.npcId),
        npc_id: line.npcId,
        to: npcName(listenerOf(line.npcId)),
        text: line.text,
      }));
      return [
        {
          locationId,
          actor: '',
          broadcast: {
            event: 'npc_conversation',
            npcs: speakers.map(npcName),
            topic,
            lines: said,
            text: said.map((line) => `${line.npc} says to ${line.to}: "${line.text}"`).join('\n'),
          },
        },
      ];
    }
    case 'NpcReacted': {
      const { locationId, cause } = event.data;
      return [{ locationId, actor: cause.playerId ?? '', broadcast: reactionBroadcast(event, npcName) }];
    }
    default:
      return [];
  }
}

/** The player an NPC's reaction is about hears it wherever they stand (left out of the place news there). */
export function npcPrivateNews(stored: StoredEvent, npcName: (npcId: string) => string): PrivateNews[] {
  const event = stored as unknown as NpcLifeEvent;
  if (event.type !== 'NpcReacted' || !event.data.cause.playerId) return [];
  const broadcast = reactionBroadcast(event, npcName);
  return [{ playerId: event.data.cause.playerId, actor: '', broadcast }];
}

function reactionBroadcast(
  event: Extract<NpcLifeEvent, { type: 'NpcReacted' }>,
  npcName: (npcId: string) => string,
) {
  const { npcId, reaction, line } = event.data;
  return {
    event: 'npc_reaction',
    npc: npcName(npcId),
    npc_id: npcId,
    reaction,
    line,
    text: `${npcName(npcId)} says: "${line}"`,
  };
}
