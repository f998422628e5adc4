import { wieldedWeapon } from '../../domain/rules/gear.ts';
import type { Enemy } from '../../domain/world/world.ts';
import type { ChatMessage } from '../backends/llm-backend.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { memoizedPerWorld, placeLines } from './scene.ts';

const MAX_TAUNT = 200;

/**
 * The NPC lane's part of a fight: the enemy's line. The system message is the enemy's card (the same
 * for every fight with that kind of enemy); the situation carries no player text at all, so there is
 * nothing to inject.
 */
export function buildTauntMessages(context: ActionContext, enemy: Enemy): ChatMessage[] {
  const weapon = wieldedWeapon(context.world, context.player);
  const hp = context.enemiesHere.find((e) => e.enemy.id === enemy.id)?.hp ?? enemy.hp;
  return [
    { role: 'system', content: tauntSystemMessage(context.world, enemy.id) },
    {
      role: 'user',
      content: [
        'Situation',
        ...placeLines(context),
        `You have ${hp} of ${enemy.hp} HP.`,
        // Not the player's name: a name is player text, and this prompt has none.
        `A player attacks you with ${weapon ? `a ${weapon.name}` : 'bare fists'}.`,
        'Your line:',
      ].join('\n'),
    },
  ];
}

const tauntSystemMessage = memoizedPerWorld((world, enemyId) => {
  const enemy = world.enemies.get(enemyId);
  if (!enemy) throw new Error(`unknown enemy ${enemyId}`);
  return [
    `You voice the ${enemy.name}, an enemy in "${world.content.name}", a text adventure. ${enemy.description}`,
    `In a fight you snarl one short line at the player (at most ${MAX_TAUNT} characters), in the spirit of`,
    `these: ${enemy.taunts.map((t) => `"${t}"`).join(' / ')}`,
    'Only the words (a beast may growl or hiss them): no narration, no numbers, no game terms.',
    'Answer with JSON only: {"taunt": "..."}.',
  ].join('\n');
});

/**
 * Whether this blow opens the fight (the enemy is unhurt): the enemy's line is heard then, once per
 * fight, as the rule engine tells it; later blows ask the NPC lane for nothing.
 */
export function opensFight(context: ActionContext, enemy: Enemy): boolean {
  const hp = context.enemiesHere.find((e) => e.enemy.id === enemy.id)?.hp ?? enemy.hp;
  return hp >= enemy.hp;
}

/**
 * Puts an enemy's line into an attack's result: the `taunt` field, and the narration's snarl line
 * (replaced where the rule engine wrote one, added otherwise). A felled enemy says nothing.
 */
export function withTaunt(proposal: Proposal, taunt: string): Proposal {
  const { result } = proposal;
  const line = taunt.replace(/\s+/g, ' ').trim().slice(0, MAX_TAUNT);
  if (result.action_type !== 'attack' || typeof result.enemy_id !== 'string' || result.defeated || !line)
    return proposal;
  const snarl = `The ${String(result.target ?? 'enemy')} snarls: "${line}"`;
  const lines = result.narration.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`The ${String(result.target)} snarls: "`));
  if (at >= 0) lines[at] = snarl;
  else lines.push(snarl);
  return { ...proposal, result: { ...result, taunt: line, narration: lines.join('\n') } };
}
