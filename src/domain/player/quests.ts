import { RELATIONSHIP_BOUNDS } from '../rules/effects.ts';
import type { QuestCondition, World } from '../world/world.ts';
import type { PlayerState } from './player.ts';
import type { PlayerEvent } from './player-events.ts';

/** What one action did that a quest step may be waiting for. */
export interface ActionFacts {
  talkedTo: string[];
  defeated: string[];
  delivered: { item: string; npc: string }[];
}

function satisfied(condition: QuestCondition, state: PlayerState, facts: ActionFacts): boolean {
  switch (condition.type) {
    case 'talk':
      return facts.talkedTo.includes(condition.npc);
    case 'visit':
      return state.locationId === condition.location;
    case 'defeat':
      return facts.defeated.includes(condition.enemy);
    case 'have':
      return state.inventory.includes(condition.item);
    case 'deliver':
      return facts.delivered.some((d) => d.item === condition.item && d.npc === condition.npc);
  }
}

/**
 * Advances every active quest whose current step the action satisfied (several steps at once when the
 * next is already met, e.g. "have the amulet"), completing quests with the rewards of their definition.
 */
export function questProgress(world: World, state: PlayerState, facts: ActionFacts): PlayerEvent[] {
  const events: PlayerEvent[] = [];
  const playerId = state.playerId;
  let xp = state.xp;
  for (const [questId, progress] of Object.entries(state.quests)) {
    if (progress.status !== 'active') continue;
    const quest = world.quests.get(questId);
    if (!quest) continue;
    let step = progress.step;
    while (step < quest.steps.length && satisfied(quest.steps[step]!.condition, state, facts)) {
      events.push({
        type: 'QuestStepCompleted',
        data: { playerId, questId, stepId: quest.steps[step]!.id, step },
      });
      step++;
    }
    if (step < quest.steps.length || step === progress.step) continue;
    events.push({ type: 'QuestCompleted', data: { playerId, questId } });
    if (quest.rewards.xp > 0) {
      xp += quest.rewards.xp;
      events.push({
        type: 'XpGained',
        data: { playerId, amount: quest.rewards.xp, xp, reason: `quest:${questId}` },
      });
    }
    for (const itemId of quest.rewards.items) {
      events.push({ type: 'ItemAddedToInventory', data: { playerId, itemId, reason: 'reward' } });
    }
    for (const { npc, change } of quest.rewards.relationships) {
      const before = state.relationships[npc] ?? 0;
      const score = clampRelationship(before + change);
      events.push({
        type: 'RelationshipChanged',
        data: { playerId, npcId: npc, change: score - before, score, reason: `quest:${questId}` },
      });
    }
  }
  return events;
}

export function clampRelationship(score: number): number {
  return Math.max(RELATIONSHIP_BOUNDS.min, Math.min(RELATIONSHIP_BOUNDS.max, score));
}
