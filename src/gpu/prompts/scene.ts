import type { Action } from '../../domain/actions.ts';
import { weatherCombatModifier } from '../../domain/rules/combat.ts';
import { wieldedWeapon, wornArmor } from '../../domain/rules/gear.ts';
import type { Enemy, Item, World } from '../../domain/world/world.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { weatherLine } from '../rules/weather-line.ts';
import { neutralise } from './player-text.ts';
import { toWireEffect } from './wire-effects.ts';

const MAX_GUIDANCE_NARRATION = 2000;

/**
 * A system message built once per world content and key (an NPC's or enemy's id, or '' for the world
 * lane). Keyed by the World object: a reloaded world is a new object, and the old one's texts go with it.
 */
export function memoizedPerWorld(
  build: (world: World, key: string) => string,
): (world: World, key: string) => string {
  const cache = new WeakMap<World, Map<string, string>>();
  return (world, key) => {
    let texts = cache.get(world);
    if (!texts) {
      texts = new Map();
      cache.set(world, texts);
    }
    let text = texts.get(key);
    if (text === undefined) {
      text = build(world, key);
      texts.set(key, text);
    }
    return text;
  };
}

export const signed = (n: number) => (n > 0 ? `+${n}` : `${n}`);

const regionName = (world: World, regionId: string) =>
  world.content.regions.find((r) => r.id === regionId)?.name ?? regionId;

/**
 * Who a prompt is for. A public prompt's answer is shared with every player who asks the same (the
 * cache and in-flight sharing key it by its exact text), so it holds public facts only: nothing of who
 * the player is, how they fare, what they carry or which quests they have.
 */
export type Audience = 'private' | 'public';

/** Where, when and in what weather: the opening lines of every situation message. */
export function placeLines(context: ActionContext, audience: Audience = 'private'): string[] {
  const { world, location, time, weather } = context;
  const extra = location.timeOfDay[time.timeOfDay];
  // The weather as it reaches this place at this hour (none underground, only heard indoors), as a look tells it.
  const felt = weatherLine(time.timeOfDay, location.setting ?? 'outdoors', weather.description);
  const combatModifier = weatherCombatModifier(location, weather);
  const modifier = combatModifier ? ` (combat modifier ${signed(combatModifier)})` : '';
  return [
    `Place: ${location.name} (${location.id}), ${regionName(world, location.region)}${location.safe ? ', a safe place: no fighting' : ''}.`,
    `It looks like this: ${location.description}${extra ? ` ${extra}` : ''}`,
    // The hour would split a shared answer's key hour by hour: the time of day is enough for it.
    audience === 'public'
      ? `Time: ${time.timeOfDay}.`
      : `Time: ${time.timeOfDay}, hour ${time.hourOfDay} of 24.`,
    `Weather: ${felt || 'none reaches this place'}${modifier}`,
  ];
}

/** Who and what is here besides the player; `withNumbers` adds what the rules count (stats, damage, heals). */
export function presenceLines(
  context: ActionContext,
  options: { exceptNpc?: string; withNumbers?: boolean } = {},
): string[] {
  const { world } = context;
  const npcs = context.npcsHere.filter((npc) => npc.id !== options.exceptNpc);
  const lines: string[] = [];
  if (npcs.length > 0) lines.push(`People here: ${npcs.map((n) => `${n.name} (${n.id})`).join(', ')}.`);
  if (context.enemiesHere.length > 0)
    lines.push(
      `Enemies here: ${context.enemiesHere.map(({ enemy, hp }) => `${enemy.name} (${enemy.id}, HP ${hp}/${enemy.hp}${options.withNumbers ? `, ${enemyNumbers(enemy)}` : ''})`).join(', ')}.`,
    );
  if (context.itemsHere.length > 0)
    lines.push(
      `Lying here: ${context.itemsHere.map((id) => itemMention(world, id, options.withNumbers)).join(', ')}.`,
    );
  if (context.playersHere.length > 0) {
    const unnamed = (context.playersHereCount ?? context.playersHere.length) - context.playersHere.length;
    const named = context.playersHere.map((p) => neutralise(p, 40)).join(', ');
    lines.push(`Other players here: ${named}${unnamed > 0 ? ` and ${unnamed} more` : ''}.`);
  }
  return lines;
}

export const range = (r: { min: number; max: number }) => `${r.min}-${r.max}`;

/** An enemy's fighting numbers, as the combat rules use them. */
export const enemyNumbers = (enemy: Enemy) => `damage ${range(enemy.damage)}, defense ${enemy.defense}`;

/** What the rules count of an item: its weapon damage, armor, healing. */
export function itemNumbers(item: Item): string[] {
  return [
    item.damage ? `damage ${range(item.damage)}` : '',
    item.defense ? `armor ${item.defense}` : '',
    item.use?.heal ? `heals ${item.use.heal}` : '',
  ].filter(Boolean);
}

/** "rusty dagger (rusty-dagger)", or with numbers "rusty dagger (rusty-dagger, damage 2-5)". */
export function itemMention(world: World, id: string, withNumbers = false): string {
  const item = world.items.get(id);
  const numbers = withNumbers && item ? itemNumbers(item) : [];
  return `${item?.name ?? id} (${[id, ...numbers].join(', ')})`;
}

/** What the player fights with and in (the rules' choice: the one equipped, else the best carried). */
function gearLines({ world, player }: ActionContext): string[] {
  const weapon = wieldedWeapon(world, player);
  const armor = wornArmor(world, player);
  if (!weapon && !armor) return [];
  return [`Wielding: ${weapon?.name ?? 'bare fists'}; wearing: ${armor?.name ?? 'no armour'}.`];
}

/** The player as the world sees them: health, experience, what they carry, their quests. */
export function playerLines(context: ActionContext, options: { withNumbers?: boolean } = {}): string[] {
  const { world, player } = context;
  const carried = player.inventory.map((id) => itemMention(world, id, options.withNumbers));
  const quests = Object.entries(player.quests).map(([id, progress]) => {
    const quest = world.quests.get(id);
    const step = quest?.steps[progress.step];
    return progress.status === 'completed' || !step
      ? `${quest?.name ?? id} (completed)`
      : `${quest?.name ?? id} (now: ${step.description})`;
  });
  return [
    `Player: ${neutralise(player.username, 40)}, HP ${player.hp}/${player.maxHp}, ${player.xp} XP.`,
    `Carrying: ${carried.join(', ') || 'nothing'}.`,
    ...gearLines(context),
    ...(quests.length > 0 ? [`Quests: ${quests.join('; ')}.`] : []),
  ];
}

/** In a public prompt, the player stands in for everyone the answer is shared with. */
export const SHARED_PLAYER_LINE =
  'Player: not named here. Your answer is shared with every player who does the same here, so say nothing of who they are, how they fare, what they carry or which quests they have.';

/** The action as a command line, the way a player would type it (still player text: quote it). */
export function commandText(action: Action): string {
  switch (action.action_type) {
    case 'look':
    case 'inventory':
      return action.action_type;
    case 'move':
      return `go ${action.direction ?? action.to ?? ''}`;
    case 'talk':
      return `talk to ${action.npc}: ${action.message}`;
    case 'attack':
      return `attack ${action.target}`;
    case 'take':
    case 'drop':
      return `${action.action_type} ${action.item}`;
    case 'use':
      return `use ${action.item}${action.target ? ` on ${action.target}` : ''}`;
    case 'quest':
      return `quest ${action.op}${action.quest ? ` ${action.quest}` : ''}`;
    case 'say':
      return `say ${action.message}`;
    case 'examine':
      return `examine ${action.target}`;
    case 'who':
    case 'help':
      return action.action_type;
    case 'emote':
      return `emote ${action.message}`;
    case 'whisper':
      // What is whispered is for its one listener: never in a prompt.
      return `whisper to ${action.to}`;
    case 'equip':
    case 'unequip':
    case 'drink':
    case 'eat':
      return `${action.action_type} ${action.item}`;
    case 'give':
      return `give ${action.item} to ${action.to}`;
    case 'trade':
      return action.op === 'offer'
        ? `trade ${action.give} for ${action.for} with ${action.with}`
        : `trade ${action.op}${action.with ? ` ${action.with}` : ''}`;
  }
}

export function exitsLine({ world, location }: ActionContext): string {
  const exits = Object.entries(location.exits).map(
    ([direction, to]) => `${direction} to ${world.locations.get(to)?.name ?? to} (${to})`,
  );
  return `Exits: ${exits.join(', ') || 'none'}.`;
}

/**
 * The command and the rule engine's outcome, as the world model is asked to tell it. The rule engine's
 * narration can quote the player ("There is no <what they typed> here"); its lines found word for word
 * in `alreadyShown` (the place's description in the situation) are not said twice.
 */
export function suggestedOutcomeLines(
  context: ActionContext,
  guidance: Proposal,
  alreadyShown = '',
): string[] {
  const effects = guidance.effects.map(toWireEffect).filter((e) => e !== undefined);
  return [
    `Command: ${context.action.action_type}.`,
    "Suggested outcome (the rule engine's):",
    `effects: ${JSON.stringify(effects)}`,
    'narration:',
    ...guidance.result.narration
      .slice(0, MAX_GUIDANCE_NARRATION)
      .split('\n')
      .filter((line) => line.trim() && !alreadyShown.includes(line.trim()))
      .map((line) => `  ${neutralise(line, MAX_GUIDANCE_NARRATION)}`),
  ];
}
