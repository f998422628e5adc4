import { wieldedWeapon } from '../../domain/rules/gear.ts';
import type { Enemy } from '../../domain/world/world.ts';
import type { ChatMessage } from '../backends/llm-backend.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { tauntLine } from '../rules/combat.ts';
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
    `When a player opens a fight with you, you answer with one short line (at most ${MAX_TAUNT} characters):`,
    'either what you say, in double quotes, or, if you cannot speak, what you do, told in the third person',
    `("The ${enemy.name} ..."), never both in quotes. In the spirit of these: ${enemy.taunts.join(' / ')}`,
    'No numbers, no game terms.',
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
 * Which of the content's taunts the rule engine's narration told for the enemy, and its line there
 * (the line as tauntLine makes it), if it told one.
 */
function toldTaunt(narration: string, enemy: Enemy): { taunt: string; line: string } | undefined {
  const lines = new Set(narration.split('\n'));
  return enemy.taunts
    .map((taunt) => ({ taunt, line: tauntLine(enemy.name, taunt).line }))
    .find((told) => lines.has(told.line));
}

/**
 * The rule engine's outcome without the enemy's line, as the world lane is asked to tell it: the line
 * is added afterwards, once (withTaunt), so that a model retelling the blow does not say it too.
 */
export function withoutTaunt(guidance: Proposal, enemy: Enemy): Proposal {
  const told = toldTaunt(guidance.result.narration, enemy);
  if (!told) return guidance;
  const narration = guidance.result.narration
    .split('\n')
    .filter((line) => line !== told.line)
    .join('\n');
  return { ...guidance, result: { ...guidance.result, narration } };
}

/** The content taunt the rule engine told in this outcome (to put back when no model wrote one). */
export function rulesTaunt(guidance: Proposal, enemy: Enemy): string | undefined {
  return toldTaunt(guidance.result.narration, enemy)?.taunt;
}

/**
 * Puts an enemy's line into an attack's result, once: said words are quoted ("The grey wolf snarls:
 * "…""), an action is narrated as it is (the rule engine's rule, tauntLine), and any line the enemy
 * already had there (the rule engine's, or an earlier snarl) gives way to it. The `taunt` field holds
 * what was said, if anything. A felled enemy says nothing.
 */
export function withTaunt(proposal: Proposal, enemy: Enemy, taunt: string): Proposal {
  const { result } = proposal;
  const text = taunt.replace(/\s+/g, ' ').trim().slice(0, MAX_TAUNT);
  if (result.action_type !== 'attack' || result.enemy_id !== enemy.id || result.defeated || !text)
    return proposal;
  const told = tauntLine(enemy.name, text);
  const earlier = new Set(enemy.taunts.map((t) => tauntLine(enemy.name, t).line));
  const isEnemyLine = (line: string) => earlier.has(line) || line.startsWith(`The ${enemy.name} snarls: "`);
  const lines: string[] = [];
  let placed = false;
  for (const line of result.narration.split('\n')) {
    if (!isEnemyLine(line) && line !== told.line) lines.push(line);
    else if (!placed) {
      lines.push(told.line);
      placed = true;
    }
  }
  if (!placed) lines.push(told.line);
  return { ...proposal, result: { ...result, taunt: told.spoken, narration: lines.join('\n') } };
}
