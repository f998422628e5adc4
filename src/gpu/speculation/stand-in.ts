import type { SceneReader } from '../../commands/scene-reader.ts';
import type { WorldRuntime } from '../../commands/world-runtime.ts';
import type { Action } from '../../domain/actions.ts';
import { type PlayerState, playerDecider } from '../../domain/player/player.ts';
import type { World } from '../../domain/world/world.ts';
import { actionContext } from '../action-context.ts';
import type { ActionContext } from '../lane.ts';
import type { SituationLookup } from '../situations/situation-lookup.ts';

/** No player has this id (player ids are UUIDs): the stand-in is never mistaken for someone present. */
export const STAND_IN_PLAYER_ID = 'speculation-stand-in';

/**
 * A neutral newcomer at a place, asking in place of whoever comes next: nothing carried, no quests,
 * no NPC known. A public prompt reads nothing of a player's own, but a stand-in has nothing private to
 * leak should one ever do so.
 */
export function standInPlayer(world: World, locationId: string): PlayerState {
  const { maxHp } = world.content.player;
  return {
    ...playerDecider(world).initialState(),
    registered: true,
    playerId: STAND_IN_PLAYER_ID,
    username: 'traveller',
    locationId,
    hp: maxHp,
    maxHp,
  };
}

/** Builds the context of a speculated action the way the action processor builds a real one. */
export type SpeculativeContextBuilder = (
  locationId: string,
  action: Action,
  at: Date,
) => Promise<ActionContext>;

/**
 * The scene as it is now around a stand-in at the place. No NPC memories are recalled: a stand-in has
 * none, and a greeting with memories is not a public answer.
 */
export function speculativeContexts(deps: {
  runtime: WorldRuntime;
  scenes: SceneReader;
  /** As the processor has it: the related public snippets are part of a public prompt. */
  situations?: SituationLookup | undefined;
}): SpeculativeContextBuilder {
  return (locationId, action, at) =>
    actionContext(
      { runtime: deps.runtime, scenes: deps.scenes, situations: deps.situations },
      `speculation/${locationId}/${action.action_type}`,
      action,
      standInPlayer(deps.runtime.world, locationId),
      at,
      0n,
    );
}
