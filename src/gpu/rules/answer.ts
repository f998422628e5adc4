import type { Item } from '../../domain/world/world.ts';
import type { ActionContext, Proposal } from '../lane.ts';

/** A rules answer that changes nothing: the narration, and fields for the client. */
export const answer = (
  actionType: string,
  narration: string,
  extra: Record<string, unknown> = {},
): Proposal => ({
  effects: [],
  source: 'rules',
  result: { action_type: actionType, narration, ...extra },
});

/** The content's items for a list of ids (what is carried, what lies here), unknown ids left out. */
export const itemsOf = (context: ActionContext, ids: readonly string[]): Item[] =>
  ids.map((id) => context.world.items.get(id)).filter((item): item is Item => item !== undefined);
