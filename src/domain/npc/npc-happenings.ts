import type { Npc, World } from '../world/world.ts';
import type { ReactionCause } from './npc-life-events.ts';
import { callName, interjection } from './npc-voice.ts';

/** A world event NPCs take notice of, with the player's name as others know it. */
export type WorldHappening =
  | { type: 'QuestCompleted'; playerId: string; questId: string; locationId?: string; playerName?: string }
  | { type: 'PlayerDefeated'; playerId: string; locationId: string; playerName?: string }
  | { type: 'EnemyDefeated'; playerId: string; enemyId: string; locationId: string; playerName?: string };

export function causeOf(happening: WorldHappening): ReactionCause {
  switch (happening.type) {
    case 'QuestCompleted':
      return { type: happening.type, playerId: happening.playerId, questId: happening.questId };
    case 'PlayerDefeated':
      return { type: happening.type, playerId: happening.playerId };
    case 'EnemyDefeated':
      return { type: happening.type, playerId: happening.playerId, enemyId: happening.enemyId };
  }
}

/** An enemy whose fall the world talks about: marked `boss` in the content. */
export function isBoss(world: World, enemyId: string): boolean {
  return world.enemies.get(enemyId)?.boss === true;
}

const who = (happening: WorldHappening) => happening.playerName ?? 'that traveller';

/**
 * What `npc` says of a happening, and the reaction's name. `involved` is true for the NPC it most
 * concerns (the quest's giver, one who knew of the slain beast), false for a bystander.
 */
export function happeningLine(
  world: World,
  npc: Npc,
  happening: WorldHappening,
  involved: boolean,
): { reaction: string; line: string } {
  const player = who(happening);
  const hey = interjection(npc);
  switch (happening.type) {
    case 'QuestCompleted': {
      const quest = world.quests.get(happening.questId);
      const task = quest ? `"${quest.name}"` : 'that task';
      if (involved)
        return {
          reaction: 'proud',
          line: `${hey}${player} has seen ${task} through. I asked, and it was done.`,
        };
      const giver = quest ? world.npcs.get(quest.giver) : undefined;
      const forWhom = giver && giver.id !== npc.id ? ` for ${callName(giver)}` : '';
      return { reaction: 'impressed', line: `${hey}Did you hear? ${player} finished ${task}${forWhom}.` };
    }
    case 'PlayerDefeated': {
      const line =
        npc.personality.mood === 'cheerful'
          ? `${player} went down, right here! Somebody get them a drink when they're back on their feet.`
          : npc.personality.mood === 'grumpy'
            ? `Hmph. ${player} fell. Told you this place isn't safe.`
            : `${player} has fallen. Let them rise again, and wiser.`;
      return { reaction: 'shaken', line };
    }
    case 'EnemyDefeated': {
      const enemy = world.enemies.get(happening.enemyId)?.name ?? 'the beast';
      if (involved)
        return {
          reaction: 'relieved',
          line: `${hey}The ${enemy} is fallen? Then ${player} has done what none of us could.`,
        };
      return {
        reaction: 'awed',
        line: `${hey}${player} brought down the ${enemy}. I saw it with my own eyes.`,
      };
    }
  }
}
