import type { World } from '../../domain/world/world.ts';
import type { ChatMessage } from '../backends/llm-backend.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { buildCompactWorldMessages } from './compact-world-prompt.ts';
import { narratorRules } from './narrator-rules.ts';
import { playerInput } from './player-text.ts';
import {
  type Audience,
  commandText,
  exitsLine,
  memoizedPerWorld,
  placeLines,
  playerLines,
  presenceLines,
  SHARED_PLAYER_LINE,
  signed,
  suggestedOutcomeLines,
} from './scene.ts';

export { worldOutputToProposal } from './world-result.ts';

/** How a prompt is built: `compress` sends what the situation needs instead of the whole world card. */
export interface PromptOptions {
  compress?: boolean;
  /**
   * A public answer describes the scene as it stays (the place, who lives there), not who else is
   * there this moment (other players, what lies about, enemies' wounds): those would split its key.
   */
  sharedScene?: boolean;
}

/**
 * The world lane's prompt: the system message (the narrator's rules and the world's content, the same
 * for every request in one world version), then the situation with the rule engine's outcome as
 * guidance, then the player's command, delimited. A public prompt leaves the player's own state out.
 * Compressed, the world card gives way to the region's card and what this situation involves.
 */
export function buildWorldMessages(
  context: ActionContext,
  guidance: Proposal,
  audience: Audience = 'private',
  options: PromptOptions = {},
): ChatMessage[] {
  if (options.compress) return buildCompactWorldMessages(context, guidance, audience);
  return [
    { role: 'system', content: worldSystemMessage(context.world, '') },
    { role: 'user', content: situation(context, guidance, audience) },
    { role: 'user', content: `The player's command:\n${playerInput(commandText(context.action))}` },
  ];
}

const worldSystemMessage = memoizedPerWorld((world) =>
  [...narratorRules(world, 'world'), '', worldCard(world)].join('\n'),
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
  return [
    'Situation',
    ...placeLines(context, audience),
    exitsLine(context),
    ...presenceLines(context),
    ...(audience === 'public' ? [SHARED_PLAYER_LINE] : playerLines(context)),
    '',
    ...suggestedOutcomeLines(context, guidance),
  ].join('\n');
}
