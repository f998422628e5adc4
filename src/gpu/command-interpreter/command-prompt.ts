import { z } from 'zod';
import { ACTION_TYPES, type Action, type ActionType, actionSchema } from '../../domain/actions.ts';
import type { SceneNames } from '../../domain/parser/scene-names.ts';
import type { ChatMessage } from '../backends/llm-backend.ts';
import { neutralise, PLAYER_TEXT_IS_DATA, playerInput } from '../prompts/player-text.ts';

/** The fields any action may carry: every one is sent, "" when the action does not take it (strict mode). */
const FIELDS = [
  'direction',
  'to',
  'npc',
  'message',
  'target',
  'item',
  'op',
  'quest',
  'with',
  'give',
  'for',
] as const;

/** The model's reading of a command, before the actions schema checks each action. */
const field = z.string().max(600);
export const commandOutputSchema = z.object({
  actions: z.array(
    z.object({
      action_type: z.enum(ACTION_TYPES as [ActionType, ...ActionType[]]),
      direction: field,
      to: field,
      npc: field,
      message: field,
      target: field,
      item: field,
      op: field,
      quest: field,
      with: field,
      give: field,
      for: field,
    }),
  ),
});
export type CommandOutput = z.infer<typeof commandOutputSchema>;

export const COMMAND_SCHEMA_NAME = 'command_actions';

/** What each action takes, as the model is told (only those the game has are listed). */
const SHAPES: Partial<Record<ActionType, string>> = {
  look: 'look around',
  move: 'go somewhere: direction (north, south, east, west, up, down) or to (a place a way leads to)',
  talk: 'talk to someone here: npc (their name), message (what the player says or asks them)',
  say: 'say something to everyone here: message',
  attack: 'fight an enemy here: target',
  take: 'pick up an item lying here: item',
  drop: 'drop a carried item: item',
  use: 'use a carried item: item, optionally target (someone here)',
  examine: 'look closely at something or someone: target',
  inventory: 'list what the player carries',
  quest: 'quests: op (status, accept or abandon), quest (its name, optional)',
  give: 'give a carried item to someone here: item, to',
  trade:
    'trade with another player here: op (offer, accept or decline), with (their name), give (your item), for (the item of theirs you want)',
  equip: 'wield a weapon or wear armour the player carries: item',
  unequip: 'put away (take off) the weapon or armour the player chose: item',
  drink: 'drink a carried potion: item',
  eat: 'eat carried food: item',
  whisper: 'whisper to another player here: to (their name), message',
  emote: 'act something out: message (e.g. "waves")',
  who: 'list the players online',
  help: 'list the commands',
};

const list = (names: readonly string[]) =>
  names.length > 0 ? names.map((n) => neutralise(n, 80)).join(', ') : 'none';

/** The messages asking a model to read `text` as actions in the scene; the player's text comes last. */
export function buildCommandMessages(text: string, scene: SceneNames, maxActions: number): ChatMessage[] {
  const shapes = ACTION_TYPES.filter((type) => SHAPES[type]).map((type) => `- ${type}: ${SHAPES[type]}`);
  const system = [
    'You read what a player typed in a text adventure and turn it into the game actions it asks for, in order.',
    `Answer with JSON {"actions": [...]}: at most ${maxActions} actions; each has action_type and every one of the fields ${FIELDS.join(', ')}, "" where the action does not take it.`,
    'The actions:',
    ...shapes,
    // The parser's conventions (domain/parser/socials.ts), so that both readings of a text agree.
    'A greeting, farewell or thanks naming someone here ("hello elder", "thanks Mira") is talk with the whole text as message. A gesture ("wave", "smile at Tom") is emote in the third person ("waves", "smiles at Tom"). A statement, not a command ("I am lost"), is say with the whole text.',
    'Use the names as the scene spells them. Never add an action the player did not ask for. When the text asks for nothing the game can do, answer {"actions": []}.',
    PLAYER_TEXT_IS_DATA,
  ].join('\n');
  const here = [
    `Items here: ${list(scene.itemsHere)}.`,
    `Carried: ${list(scene.carried)}.`,
    `People here: ${list(scene.npcs)}.`,
    `Enemies here: ${list(scene.enemies)}.`,
    `Ways: ${scene.exits.length > 0 ? scene.exits.map((exit) => `${exit.direction} to ${neutralise(exit.name, 80)}`).join(', ') : 'none'}.`,
    `Other players here: ${list(scene.players)}.`,
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: `${here}\n\n${playerInput(text)}` },
  ];
}

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&amp;': '&' };
const decodeEntities = (text: string) => text.replace(/&(?:lt|gt|quot|amp);/g, (entity) => ENTITIES[entity]!);

/**
 * The model's actions checked by the actions schema (names and messages cleaned, lengths bounded);
 * undefined when any one fails it: then the model's reading is not used at all.
 */
export function checkedActions(output: CommandOutput): Action[] | undefined {
  const actions: Action[] = [];
  for (const proposed of output.actions) {
    const fields = Object.entries(proposed)
      .filter(([key, value]) => key !== 'action_type' && typeof value === 'string' && value.trim() !== '')
      .map(([key, value]) => [key, decodeEntities(value as string).trim()]);
    const checked = actionSchema.safeParse({
      action_type: proposed.action_type,
      ...Object.fromEntries(fields),
    });
    if (!checked.success) return undefined;
    actions.push(checked.data);
  }
  return actions;
}
