import { itemNotesIn, placesOfItemsIn, type SeenPlace } from '../../../domain/player/quest-hints.ts';
import type { ActionContext } from '../../lane.ts';
import { seenHere } from '../quests.ts';

/**
 * What is no longer so of a line that points at an item where it lies ("There's a rusty dagger on
 * the rack in my smithy"), told after it: the places are read as the player would find them now.
 */
export async function asThingsAreNow(context: ActionContext, line: string): Promise<string[]> {
  const here = seenHere(context);
  const places = new Map<string, SeenPlace>();
  for (const id of placesOfItemsIn(context.world, line))
    places.set(id, here(id) ?? (await context.describe(id)));
  return itemNotesIn(context.world, context.player, line, (id) => places.get(id)).map(
    (note) => `Mind you, ${note.charAt(0).toLowerCase()}${note.slice(1)}`,
  );
}
