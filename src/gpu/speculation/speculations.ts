import type { Action } from '../../domain/actions.ts';
import type { Effect } from '../../domain/player/player.ts';
import { npcsAt } from '../../domain/world/clock.ts';
import type { World } from '../../domain/world/world.ts';
import type { LaneName } from '../orchestrator/lane-scheduler.ts';

/** The word a speculated greeting says: one the response cache shares as a public greeting. */
export const SPECULATED_GREETING = 'hello';

/** A public answer worth generating before anyone asks for it. */
export interface Speculation {
  /** Same key, same answer: asked again only once the last one has had time to expire. */
  key: string;
  kind: 'description' | 'greeting';
  lane: LaneName;
  /** Where the answer is asked (a stand-in player stands there). */
  locationId: string;
  action: Action;
}

/**
 * What a player is likely to ask next after an action resolved, most likely first: on arriving at a
 * place, the greeting of each NPC there (by its schedule); after arriving or looking around, the
 * description of each neighbouring place, the one just left last (walking back is the least likely).
 * Nothing after other actions: they say little about what comes next.
 */
export function speculationsAfter(
  world: World,
  resolved: { action: Action; locationId: string; effects: readonly Effect[] },
  at: Date,
): Speculation[] {
  const move = resolved.effects.find((effect) => effect.kind === 'move');
  const arrivedAt = move?.kind === 'move' ? move.to : undefined;
  if (!arrivedAt && resolved.action.action_type !== 'look') return [];
  const place = arrivedAt ?? resolved.locationId;
  const location = world.locations.get(place);
  if (!location) return [];
  const cameFrom = arrivedAt ? resolved.locationId : undefined;

  const greetings: Speculation[] = arrivedAt
    ? npcsAt(world, place, at).map((npc) => ({
        key: `greeting:${npc.id}@${place}`,
        kind: 'greeting',
        lane: 'npc',
        locationId: place,
        action: { action_type: 'talk', npc: npc.name, message: SPECULATED_GREETING },
      }))
    : [];
  const neighbours = [...new Set(Object.values(location.exits))].filter(
    (id): id is string => typeof id === 'string' && id !== place && world.locations.has(id),
  );
  neighbours.sort((a, b) => Number(a === cameFrom) - Number(b === cameFrom));
  const descriptions: Speculation[] = neighbours.map((id) => ({
    key: `description:${id}`,
    kind: 'description',
    lane: 'world',
    locationId: id,
    action: { action_type: 'look' },
  }));
  return [...greetings, ...descriptions];
}
