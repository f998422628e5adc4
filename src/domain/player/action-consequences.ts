import { withArticle } from '../world/grammar.ts';
import type { World } from '../world/world.ts';
import type { PlayerState } from './player.ts';
import type { ActionResult, PlayerEvent } from './player-events.ts';
import { playerStatus } from './player-status.ts';

/** Events after which the client's status area (HP, XP, inventory, quests) is out of date. */
const STATUS_EVENTS: ReadonlySet<PlayerEvent['type']> = new Set([
  'DamageTaken',
  'PlayerHealed',
  'PlayerRespawned',
  'XpGained',
  'ItemAddedToInventory',
  'ItemRemovedFromInventory',
  'ItemEquipped',
  'ItemUnequipped',
  'QuestAccepted',
  'QuestStepCompleted',
  'QuestCompleted',
  'QuestAbandoned',
]);

/**
 * Adds what the rules made of the action to the lane's result: loot that fell, quest progress in the
 * words of the quest's definition, experience, HP where it changed, and the player's status when any
 * of it changed. The lane cannot know these in advance.
 * `loot`: item ids the location recorded as dropped by the enemies this action felled.
 */
export function withConsequences(
  world: World,
  result: ActionResult,
  events: PlayerEvent[],
  after: PlayerState,
  loot: readonly string[] = [],
): ActionResult {
  const dropped = loot.map((id) => ({ id, name: world.items.get(id)?.name ?? id }));
  const lines = dropped.length > 0 ? [`It drops ${listWithArticles(dropped.map((item) => item.name))}.`] : [];
  const updates: Record<string, unknown>[] = [];
  for (const event of events) {
    if (
      event.type === 'QuestAccepted' ||
      event.type === 'QuestStepCompleted' ||
      event.type === 'QuestCompleted'
    ) {
      const quest = world.quests.get(event.data.questId);
      if (!quest) continue;
      if (event.type === 'QuestStepCompleted') {
        const next = quest.steps[event.data.step + 1];
        lines.push(
          `Quest "${quest.name}": ${quest.steps[event.data.step]!.description} — done.${next ? ` Next: ${next.description} (${next.hint})` : ''}`,
        );
        updates.push({
          quest: quest.id,
          name: quest.name,
          step_completed: event.data.step,
          next: next?.description,
        });
      } else if (event.type === 'QuestCompleted') {
        const rewards = quest.rewards.items.map((id) => world.items.get(id)?.name ?? id);
        lines.push(
          `Quest complete: ${quest.name}! ${quest.completion}${rewards.length > 0 ? ` You receive: ${rewards.join(', ')}.` : ''}`,
        );
        updates.push({
          quest: quest.id,
          name: quest.name,
          completed: true,
          rewards: { xp: quest.rewards.xp, items: quest.rewards.items },
        });
      }
    }
    if (event.type === 'PlayerRespawned')
      lines.push(`You wake at ${world.locations.get(event.data.locationId)?.name}, your wounds healed.`);
  }
  const respawned = events.find((e) => e.type === 'PlayerRespawned');
  const hpChanged = events.some(
    (e) => e.type === 'DamageTaken' || e.type === 'PlayerHealed' || e.type === 'PlayerRespawned',
  );
  const statusChanged = events.some((e) => STATUS_EVENTS.has(e.type));
  if (lines.length === 0 && !statusChanged) return result;
  return {
    ...result,
    narration: [result.narration, ...lines].join('\n'),
    ...(dropped.length > 0 ? { loot: dropped } : {}),
    ...(updates.length > 0 ? { quest_updates: updates } : {}),
    ...(hpChanged ? { hp: after.hp, max_hp: after.maxHp } : {}),
    ...(respawned ? { respawned_at: respawned.data.locationId } : {}),
    xp: after.xp,
    ...(statusChanged ? { status: playerStatus(world, after) } : {}),
  };
}

/** "a wolf fang", "a wolf fang and an oath-ring", "a, b and c". */
function listWithArticles(names: readonly string[]): string {
  // Alike things (a quest item dropped for each player sharing a kill) are told once, with their count.
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const withArticles = [...counts].map(
    ([name, count]) => withArticle(name) + (count > 1 ? ` (×${count})` : ''),
  );
  if (withArticles.length === 1) return withArticles[0]!;
  return `${withArticles.slice(0, -1).join(', ')} and ${withArticles.at(-1)}`;
}
