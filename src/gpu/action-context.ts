import type { SceneReader } from '../commands/scene-reader.ts';
import type { WorldRuntime } from '../commands/world-runtime.ts';
import type { Action } from '../domain/actions.ts';
import type { PlayerState } from '../domain/player/player.ts';
import { worldTime } from '../domain/world/clock.ts';
import { findByName } from '../domain/world/lookup.ts';
import { requireLocation } from '../domain/world/world.ts';
import type { Position } from '../infrastructure/event-store/event-store.ts';
import type { ActionContext, RecalledMemory } from './lane.ts';
import type { SituationLookup } from './situations/situation-lookup.ts';

/** What an NPC recalls for a talk; memory failures degrade to "no memories", never to an error. */
export interface MemoryRecaller {
  /** `upTo`: the action's own position; memories of everything before it should be included. */
  recall(request: {
    npcId: string;
    playerId: string;
    query: string;
    at: Date;
    upTo: Position;
  }): Promise<RecalledMemory[]>;
}

/** Everything a lane is told about an action: the scene around the player, and what a talked-to NPC recalls. */
export async function actionContext(
  deps: {
    runtime: WorldRuntime;
    scenes: SceneReader;
    memories?: MemoryRecaller | undefined;
    /** With the situation-embeddings optimization: related snippets, within its own short time bound. */
    situations?: SituationLookup | undefined;
  },
  actionId: string,
  action: Action,
  player: PlayerState,
  at: Date,
  position: Position,
): Promise<ActionContext> {
  const { scenes, memories, situations } = deps;
  const world = deps.runtime.world;
  const scene = await scenes.scene(player.locationId, at, player);
  const npc = action.action_type === 'talk' ? findByName(scene.npcs, action.npc) : undefined;
  const recalled =
    npc && action.action_type === 'talk' && memories
      ? await memories.recall({
          npcId: npc.id,
          playerId: player.playerId,
          query: action.message,
          at,
          upTo: position,
        })
      : [];
  const related = await situations?.related({
    playerId: player.playerId,
    action,
    locationId: player.locationId,
    npcIdsHere: scene.npcs.map((here) => here.id),
  });
  return {
    actionId,
    action,
    at,
    world,
    player,
    location: requireLocation(world, player.locationId),
    locationState: scene.state,
    itemsHere: scene.items,
    time: worldTime(world, at),
    weather: scene.weather,
    enemiesHere: [...scene.enemies],
    npcsHere: [...scene.npcs],
    playersHere: scene.players,
    ...(scene.playersCount === undefined ? {} : { playersHereCount: scene.playersCount }),
    online: {
      everyone: () => scenes.onlinePlayers(),
      here: () => scenes.onlinePlayers(player.locationId, player.playerId),
    },
    ...(npc ? { npc } : {}),
    memories: recalled,
    ...(related ? { related } : {}),
    stale: scene.stale,
    describe: (locationId) => scenes.scene(locationId, at, player),
  };
}
