import type { NpcLifeEvent } from '../domain/npc/npc-life-events.ts';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import type { PlaceNews } from './place-news.ts';

export const NPC_NEWS_EVENT_TYPES = ['NpcsConversed', 'NpcReacted'];

/**
 * What players at a place hear of the NPCs there: two of them talking (`npc_conversation`, each line
 * with who says it to whom) and one reacting to a world event (`npc_reaction`). Nobody caused them,
 * so everyone there is told, the player the reaction is about included.
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
      const { npcId, locationId, reaction, line } = event.data;
      return [
        {
          locationId,
          actor: '',
          broadcast: {
            event: 'npc_reaction',
            npc: npcName(npcId),
            npc_id: npcId,
            reaction,
            line,
            text: `${npcName(npcId)} says: "${line}"`,
          },
        },
      ];
    }
    default:
      return [];
  }
}
