import type { Quest } from '../world/world.ts';
import type { Observations } from './observation-collector.ts';

/** The giver's (and any NPC a step names) observations of a player's progress on a quest. */
export function questObservations(
  seen: Observations,
  type: 'QuestAccepted' | 'QuestStepCompleted' | 'QuestCompleted' | 'QuestAbandoned',
  quest: Quest,
  playerId: string,
  stepIndex: unknown,
): void {
  const who = seen.who(playerId);
  const about = { playerId, questName: quest.name };
  const named = new Set(
    quest.steps.flatMap((step) =>
      step.condition.type === 'talk' || step.condition.type === 'deliver' ? [step.condition.npc] : [],
    ),
  );
  named.delete(quest.giver);
  switch (type) {
    case 'QuestAccepted':
      seen.by(quest.giver, 'questAccepted', `${who} took on my task: ${quest.name}.`, about);
      break;
    case 'QuestAbandoned':
      seen.by(quest.giver, 'questAbandoned', `${who} gave up on my task: ${quest.name}.`, about);
      break;
    case 'QuestStepCompleted': {
      const step = typeof stepIndex === 'number' ? quest.steps[stepIndex] : undefined;
      const what = step ? ` (${lowerFirst(step.description.replace(/\.$/, ''))})` : '';
      seen.by(quest.giver, 'questStep', `${who} got on with my task, ${quest.name}${what}.`, about);
      const stepNpc =
        step && (step.condition.type === 'talk' || step.condition.type === 'deliver')
          ? step.condition.npc
          : undefined;
      if (stepNpc && stepNpc !== quest.giver)
        seen.by(
          stepNpc,
          'questStep',
          `${who} came to me on ${seen.npc(quest.giver)}'s task, ${quest.name}.`,
          about,
        );
      break;
    }
    case 'QuestCompleted':
      seen.by(quest.giver, 'questCompleted', `${who} saw my task through: ${quest.name}.`, about);
      for (const npcId of named)
        seen.by(
          npcId,
          'questCompleted',
          `${who} finished ${quest.name} for ${seen.npc(quest.giver)}.`,
          about,
        );
      break;
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
