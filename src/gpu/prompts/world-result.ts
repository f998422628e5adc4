import type { ActionType } from '../../domain/actions.ts';
import type { ActionResult, Effect } from '../../domain/player/player.ts';
import type { LocationView } from '../../domain/world/location-view.ts';
import { findExit } from '../../domain/world/world.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { exitsLine, headingLine, whoAndWhatIsHereLines } from '../rules/describe.ts';
import type { WorldOutput } from './schemas.ts';
import { toDomainEffect, toWireEffect } from './wire-effects.ts';

/** The effects a world model may propose for each command; others (a look that takes the gold) are dropped. */
const MODEL_EFFECT_KINDS: Partial<Record<ActionType, readonly Effect['kind'][]>> = {
  move: ['move'],
  take: ['take-item'],
  drop: ['drop-item'],
  use: ['use-item', 'give-item'],
  attack: ['attack'],
};

/**
 * The world model's answer as a proposal: its effect (the first of the command's kind: the rules
 * check each effect alone, so a second attack in one answer would strike twice) and the rule
 * engine's result with the model's narration. Where the model's effect differs from the guidance's,
 * the result reports the model's (the rules check it next). Effects a model cannot state (say, quests)
 * stay the guidance's.
 */
export function worldOutputToProposal(
  output: WorldOutput,
  context: ActionContext,
  guidance: Proposal,
): Proposal {
  const allowed = MODEL_EFFECT_KINDS[context.action.action_type] ?? [];
  const proposed = output.effects.map(toDomainEffect).find((effect) => allowed.includes(effect.kind));
  const guided = guidance.effects.find((effect) => allowed.includes(effect.kind));
  const kept = guidance.effects.filter((effect) => toWireEffect(effect) === undefined);
  const narration = output.narration.trim();
  const result = sameEffect(proposed, guided)
    ? { ...guidance.result, narration }
    : reportEffect(context, guidance.result, narration, proposed);
  return { effects: [...kept, ...(proposed ? [proposed] : [])], result, source: 'llm' };
}

/**
 * A look or a move told with a shared description of the place ('shared-descriptions'): the rules' own
 * lines around it (the way the player went, who and what is here this moment, the exits) and the
 * rules' effects, so nothing of the moment or of the player comes from the shared text.
 */
export function withSharedDescription(guidance: Proposal, view: LocationView, description: string): Proposal {
  const place = [headingLine(view), description.trim(), ...whoAndWhatIsHereLines(view), exitsLine(view)];
  const told = guidance.result.narration;
  // The rule engine tells a move as the way taken ("You head north."), a blank line, then the place.
  const cut = guidance.result.action_type === 'move' ? told.indexOf('\n\n') : -1;
  const way = cut > 0 ? told.slice(0, cut) : '';
  const narration = way ? `${way}\n\n${place.join('\n')}` : place.join('\n');
  return { ...guidance, result: { ...guidance.result, narration } };
}

function sameEffect(a: Effect | undefined, b: Effect | undefined): boolean {
  if (!a || !b) return a === b;
  const fields = Object.entries(a);
  return (
    fields.length === Object.keys(b).length &&
    fields.every(([k, v]) => (b as Record<string, unknown>)[k] === v)
  );
}

/** The result the rule engine would have given had it proposed `effect` (undefined: nothing happens). */
function reportEffect(
  context: ActionContext,
  guided: ActionResult,
  narration: string,
  effect: Effect | undefined,
): ActionResult {
  const { world, player } = context;
  const action_type = guided.action_type;
  const itemRef = (id: string) => ({ id, name: world.items.get(id)?.name ?? id });
  if (!effect) {
    if (action_type === 'move') return { action_type, moved: false, narration };
    if (action_type === 'attack') return { action_type, narration, hp: player.hp, max_hp: player.maxHp };
    return { action_type, narration };
  }
  switch (effect.kind) {
    case 'move': {
      const exit = findExit(world, context.location, effect.to);
      // Another exit than the rule engine's: its scene is not at hand here, so no `location` view.
      return {
        action_type,
        moved: true,
        direction: exit?.direction,
        from: context.location.id,
        narration,
      };
    }
    case 'take-item':
    case 'drop-item':
      return { action_type, narration, item: itemRef(effect.item) };
    case 'use-item': {
      const hp = Math.min(player.maxHp, player.hp + effect.heal);
      return { action_type, narration, item: itemRef(effect.item), hp, max_hp: player.maxHp };
    }
    case 'give-item':
      return {
        action_type,
        narration,
        item: itemRef(effect.item),
        target: world.npcs.get(effect.npc)?.name ?? effect.npc,
      };
    case 'attack':
      return attackResult(context, guided, narration, effect);
    default:
      return { ...guided, narration };
  }
}

function attackResult(
  context: ActionContext,
  guided: ActionResult,
  narration: string,
  effect: Extract<Effect, { kind: 'attack' }>,
): ActionResult {
  const { world, player } = context;
  const enemy = world.enemies.get(effect.enemy);
  const maxHp = enemy?.hp ?? 0;
  const hpBefore = context.enemiesHere.find((e) => e.enemy.id === effect.enemy)?.hp ?? maxHp;
  const defeated = effect.damageDealt >= hpBefore;
  // The enemy's line is the rules' (told once per fight), never a line of another enemy's.
  const taunt = guided.enemy_id === effect.enemy ? guided.taunt : undefined;
  const hpAfter = player.hp - effect.damageTaken;
  return {
    action_type: 'attack',
    narration,
    target: enemy?.name ?? effect.enemy,
    enemy_id: effect.enemy,
    damage_dealt: effect.damageDealt,
    damage_taken: effect.damageTaken,
    enemy_hp: Math.max(0, hpBefore - effect.damageDealt),
    enemy_max_hp: maxHp,
    defeated,
    taunt: defeated ? undefined : taunt,
    // As the rule engine reports it: a fallen player wakes at full health.
    hp: hpAfter <= 0 ? player.maxHp : hpAfter,
    max_hp: player.maxHp,
  };
}
