import type { World } from '../../domain/world/world.ts';
import type { ChatMessage } from '../backends/llm-backend.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { neutralise, PLAYER_TEXT_IS_DATA, playerInput } from './player-text.ts';
import {
  type Audience,
  commandText,
  memoizedPerWorld,
  placeLines,
  playerLines,
  presenceLines,
  SHARED_PLAYER_LINE,
  signed,
} from './scene.ts';
import { toWireEffect } from './wire-effects.ts';

export { worldOutputToProposal } from './world-result.ts';

const MAX_GUIDANCE_NARRATION = 2000;

/**
 * The world lane's prompt: the system message (the narrator's rules and the world's content, the same
 * for every request in one world version), then the situation with the rule engine's outcome as
 * guidance, then the player's command, delimited. A public prompt leaves the player's own state out.
 */
export function buildWorldMessages(
  context: ActionContext,
  guidance: Proposal,
  audience: Audience = 'private',
): ChatMessage[] {
  return [
    { role: 'system', content: worldSystemMessage(context.world, '') },
    { role: 'user', content: situation(context, guidance, audience) },
    { role: 'user', content: `The player's command:\n${playerInput(commandText(context.action))}` },
  ];
}

const worldSystemMessage = memoizedPerWorld((world) =>
  [
    `You are the narrator and world simulator of "${world.content.name}", a multiplayer text adventure.`,
    'For each command a player gives, you tell them what happens, in the second person and present tense,',
    'in a few vivid sentences (at most 2000 characters), true to the place, the time of day and the weather.',
    '',
    "The game's rule engine has worked out a suggested outcome; it comes with the situation. Keep its facts:",
    'what moves, which item, which enemy, how much damage. Improve the telling, not the outcome. Never invent',
    'places, items, people, rewards or quests that the world below does not have.',
    '',
    'Answer with JSON only: {"narration": "...", "effects": [...]}. `effects` says what changes, in content ids',
    "from the world below; [] when nothing changes. At most one effect, of the command's own kind:",
    '- {"kind": "move", "to": location}: the player goes through an exit of the current place.',
    '- {"kind": "take_item", "item": item}: picks up an item lying here.',
    '- {"kind": "drop_item", "item": item}: sets down an item carried.',
    '- {"kind": "use_item", "item": item, "heal": n}: uses up a consumable carried; heal at most what it heals.',
    '- {"kind": "give_item", "item": item, "npc": npc}: hands an item carried to someone here.',
    '- {"kind": "attack", "enemy": enemy, "damage_dealt": n, "damage_taken": n}: one round against an enemy',
    '  here. Damage dealt = weapon (or fists) + weather modifier - enemy defense; damage taken = enemy damage',
    '  + weather modifier - armor; each at least 1, and damage_taken is 0 when the blow fells the enemy.',
    'Every effect is checked against the rules; one that breaks them is refused and the rule engine answers.',
    '',
    PLAYER_TEXT_IS_DATA,
    '',
    worldCard(world),
  ].join('\n'),
);

/** The world's content in brief: the "world rules" every narration must respect. */
function worldCard(world: World): string {
  const { content } = world;
  const range = (r: { min: number; max: number }) => `${r.min}-${r.max}`;
  const lines = [
    `World: ${content.name} (content version ${content.version}).`,
    `Players: ${content.player.maxHp} HP at most; bare fists deal ${range(content.player.unarmedDamage)}.`,
    'Regions and their weather:',
    ...content.regions.map(
      (r) =>
        `- ${r.id}: ${r.name}; ${r.weather.map((w) => `${w.id}${w.combatModifier ? ` (combat ${signed(w.combatModifier)})` : ''}`).join(', ')}`,
    ),
    'Locations (id: name, region; exits):',
    ...content.locations.map(
      (l) =>
        `- ${l.id}: ${l.name}, ${l.region}${l.safe ? ', safe' : ''}; ${Object.entries(l.exits)
          .map(([direction, to]) => `${direction} to ${to}`)
          .join(', ')}`,
    ),
    'Items (id: name, kind):',
    ...content.items.map((i) => {
      const traits = [
        i.damage ? `damage ${range(i.damage)}` : '',
        i.defense ? `armor ${i.defense}` : '',
        i.use?.heal ? `heals ${i.use.heal}` : '',
      ].filter(Boolean);
      return `- ${i.id}: ${i.name}, ${i.kind}${traits.length > 0 ? `, ${traits.join(', ')}` : ''}`;
    }),
    'People (id: name):',
    ...content.npcs.map((n) => `- ${n.id}: ${n.name}. ${n.description}`),
    'Enemies (id: name, HP, damage, defense):',
    ...content.enemies.map(
      (e) =>
        `- ${e.id}: ${e.name}, HP ${e.hp}, damage ${range(e.damage)}, defense ${e.defense}. ${e.description}`,
    ),
  ];
  return lines.join('\n');
}

function situation(context: ActionContext, guidance: Proposal, audience: Audience): string {
  const { world, location } = context;
  const exits = Object.entries(location.exits).map(
    ([direction, to]) => `${direction} to ${world.locations.get(to)?.name ?? to} (${to})`,
  );
  const effects = guidance.effects.map(toWireEffect).filter((e) => e !== undefined);
  return [
    'Situation',
    ...placeLines(context, audience),
    `Exits: ${exits.join(', ') || 'none'}.`,
    ...presenceLines(context),
    ...(audience === 'public' ? [SHARED_PLAYER_LINE] : playerLines(context)),
    '',
    `Command: ${context.action.action_type}.`,
    "Suggested outcome (the rule engine's):",
    `effects: ${JSON.stringify(effects)}`,
    'narration:',
    // The rule engine's narration can quote the player ("There is no <what they typed> here").
    ...guidance.result.narration
      .slice(0, MAX_GUIDANCE_NARRATION)
      .split('\n')
      .filter((line) => line.trim())
      .map((line) => `  ${neutralise(line, MAX_GUIDANCE_NARRATION)}`),
  ].join('\n');
}
