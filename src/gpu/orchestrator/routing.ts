import type { ActionType } from '../../domain/actions.ts';
import type { Priority } from './lane-scheduler.ts';

/** Which lane answers an action, and with what priority (the seed: combat > dialogue > exploration). */
export type Route = { lanes: 'world' | 'npc' | 'both' | 'rules'; priority: Priority };

const ROUTES: Record<ActionType, Route> = {
  attack: { lanes: 'both', priority: 'combat' },
  talk: { lanes: 'npc', priority: 'dialogue' },
  look: { lanes: 'world', priority: 'exploration' },
  move: { lanes: 'world', priority: 'exploration' },
  take: { lanes: 'world', priority: 'exploration' },
  drop: { lanes: 'world', priority: 'exploration' },
  use: { lanes: 'world', priority: 'exploration' },
  say: { lanes: 'world', priority: 'exploration' },
  // Reading one's own state needs no story: the rules answer at once.
  inventory: { lanes: 'rules', priority: 'exploration' },
  quest: { lanes: 'rules', priority: 'exploration' },
  // The content's own description, as things stand: the rules answer at once.
  examine: { lanes: 'rules', priority: 'exploration' },
  // Items changing hands between players follow the rules alone (who is here, what is carried).
  give: { lanes: 'rules', priority: 'exploration' },
  trade: { lanes: 'rules', priority: 'exploration' },
  // Who is online and what can be done here: facts the server holds, no story.
  who: { lanes: 'rules', priority: 'exploration' },
  help: { lanes: 'rules', priority: 'exploration' },
  // The player's own words or gestures, passed on as they are: nothing for a model to add.
  emote: { lanes: 'rules', priority: 'exploration' },
  whisper: { lanes: 'rules', priority: 'exploration' },
  // Gear and consumables follow the content's numbers; the item's own text is the story.
  equip: { lanes: 'rules', priority: 'exploration' },
  unequip: { lanes: 'rules', priority: 'exploration' },
  drink: { lanes: 'rules', priority: 'exploration' },
  eat: { lanes: 'rules', priority: 'exploration' },
};

export function routeOf(actionType: ActionType): Route {
  return ROUTES[actionType];
}

/**
 * Whether an action of this type may wait for one of these lanes (its queue, its answer, a generation
 * shared with others): answers to it say nothing of how fast the server itself answers.
 */
export function mayWaitForModel(lanes: { world?: unknown; npc?: unknown }, actionType: string): boolean {
  const route = Object.hasOwn(ROUTES, actionType) ? ROUTES[actionType as ActionType] : undefined;
  if (!route || route.lanes === 'rules') return false;
  if (route.lanes === 'both') return lanes.world !== undefined || lanes.npc !== undefined;
  return lanes[route.lanes] !== undefined;
}
