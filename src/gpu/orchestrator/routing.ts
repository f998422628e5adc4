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
};

export function routeOf(actionType: ActionType): Route {
  return ROUTES[actionType];
}
