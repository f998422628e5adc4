import { npcLocationAt, npcsAt, worldTime } from '../world/clock.ts';
import type { Npc, World } from '../world/world.ts';
import { causeOf, happeningLine, isBoss, type WorldHappening } from './npc-happenings.ts';
import type { NpcLifeEventOf } from './npc-life-events.ts';

export type NpcReacted = NpcLifeEventOf<'NpcReacted'>;

/**
 * How the NPCs concerned take a world event, each where it stands at `at` (by its schedule):
 * - a quest completed: its giver, and the NPCs at the place where it was completed (when known);
 * - a player's death: the NPCs at the place;
 * - a boss defeated: the givers of quests that ask for its death, the NPCs whose knowledge speaks of
 *   it, and the NPCs at the place; any other enemy: the NPCs at the place, who saw it fall.
 * Each NPC reacts once; the order follows the content, so the result depends on the state alone.
 */
export function reactionsTo(happening: WorldHappening, world: World, at: Date): NpcReacted[] {
  const involved = new Set<string>();
  const bystanders = new Set<string>();
  switch (happening.type) {
    case 'QuestCompleted': {
      const quest = world.quests.get(happening.questId);
      if (!quest) return [];
      involved.add(quest.giver);
      if (happening.locationId)
        for (const npc of npcsAt(world, happening.locationId, at)) bystanders.add(npc.id);
      break;
    }
    case 'PlayerDefeated':
      for (const npc of npcsAt(world, happening.locationId, at)) bystanders.add(npc.id);
      break;
    case 'EnemyDefeated': {
      // A boss's fall is news to all it matters to; a common beast's only to those who saw it.
      if (isBoss(world, happening.enemyId))
        for (const npc of npcsConcernedBy(world, happening.enemyId)) involved.add(npc.id);
      for (const npc of npcsAt(world, happening.locationId, at)) bystanders.add(npc.id);
      break;
    }
  }
  const { hourOfDay } = worldTime(world, at);
  const cause = causeOf(happening);
  return world.content.npcs
    .filter((npc) => involved.has(npc.id) || bystanders.has(npc.id))
    .map((npc) => {
      const { reaction, line } = happeningLine(world, npc, happening, involved.has(npc.id));
      return {
        type: 'NpcReacted',
        data: {
          npcId: npc.id,
          locationId: npcLocationAt(npc, hourOfDay),
          reaction,
          line,
          cause,
          at: at.toISOString(),
        },
      };
    });
}

/** The NPCs an enemy matters to: those who give a quest to kill it, and those who know of it. */
function npcsConcernedBy(world: World, enemyId: string): Npc[] {
  const enemy = world.enemies.get(enemyId);
  if (!enemy) return [];
  const name = enemy.name.toLowerCase();
  const givers = new Set(
    world.content.quests
      .filter((q) => q.steps.some((s) => s.condition.type === 'defeat' && s.condition.enemy === enemyId))
      .map((q) => q.giver),
  );
  return world.content.npcs.filter(
    (npc) =>
      givers.has(npc.id) ||
      npc.knowledge.some(
        (k) => k.topic.toLowerCase().includes(name) || k.keywords.some((w) => w.toLowerCase() === name),
      ),
  );
}
