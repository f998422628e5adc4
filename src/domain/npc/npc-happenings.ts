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

/** The player as NPCs speak of them: by name when known. */
const who = (happening: WorldHappening, startsSentence: boolean) =>
  happening.playerName ?? (startsSentence ? 'That traveller' : 'that traveller');

type Mood = Npc['personality']['mood'];

/** How an NPC of each mood ends its word on good news (a task done, a foe fallen). */
const ON_GOOD_NEWS: Record<Mood, string> = {
  cheerful: "That's worth a toast!",
  calm: 'As it should be.',
  thoughtful: 'Things are shifting. I can feel it.',
  grumpy: 'About time somebody did.',
  wary: "Let's hope nothing worse comes of it.",
  sad: 'If only it had come sooner.',
};

/** …and on a fall. */
const ON_A_FALL: Record<Mood, string> = {
  cheerful: "Somebody get them a drink when they're back on their feet.",
  calm: 'Let them rise again, and wiser.',
  thoughtful: 'Every fall teaches something, to one who listens.',
  grumpy: "Told you this place isn't safe.",
  wary: 'Whatever did that could still be near.',
  sad: 'Such things should not happen here.',
};

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
  const player = who(happening, false);
  const playerFirst = who(happening, true);
  const hey = interjection(npc);
  const mood = npc.personality.mood;
  switch (happening.type) {
    case 'QuestCompleted': {
      const quest = world.quests.get(happening.questId);
      // Single quotes: the line itself is told in double quotes (Mira says: "…").
      const task = quest ? `‘${quest.name}’` : 'that task';
      if (involved)
        return {
          reaction: 'proud',
          line: `${hey}${playerFirst} has seen ${task} through. I asked, and it was done. ${ON_GOOD_NEWS[mood]}`,
        };
      const giver = quest ? world.npcs.get(quest.giver) : undefined;
      const forWhom = giver && giver.id !== npc.id ? ` for ${callName(giver)}` : '';
      return {
        reaction: 'impressed',
        line: `${hey}Did you hear? ${playerFirst} finished ${task}${forWhom}. ${ON_GOOD_NEWS[mood]}`,
      };
    }
    case 'PlayerDefeated':
      return { reaction: 'shaken', line: `${hey}${playerFirst} fell, right here! ${ON_A_FALL[mood]}` };
    case 'EnemyDefeated': {
      const enemy = world.enemies.get(happening.enemyId)?.name ?? 'the beast';
      if (involved)
        return {
          reaction: 'relieved',
          line: `${hey}The ${enemy} is fallen? Then ${player} has done what none of us could. ${ON_GOOD_NEWS[mood]}`,
        };
      return {
        reaction: 'awed',
        line: `${hey}${playerFirst} brought down the ${enemy}. I saw it with my own eyes. ${ON_GOOD_NEWS[mood]}`,
      };
    }
  }
}
