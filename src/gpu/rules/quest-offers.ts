import type { Npc, Quest } from '../../domain/world/world.ts';
import type { ActionContext } from '../lane.ts';

/** Quests this NPC can offer the player now: not yet taken, and whatever they require is done. */
export function availableQuests(context: ActionContext, npc: Npc): Quest[] {
  return context.world.content.quests.filter(
    (quest) =>
      quest.giver === npc.id &&
      !context.player.quests[quest.id] &&
      (!quest.requires || context.player.quests[quest.requires]?.status === 'completed'),
  );
}
