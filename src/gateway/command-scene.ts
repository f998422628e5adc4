import type { SceneNames } from '../domain/parser/scene-names.ts';
import type { GatewayDeps } from './deps.ts';

/** What a player can name where they stand (items here and carried, people, enemies, ways, players). */
export async function commandScene(
  deps: Pick<GatewayDeps, 'sessions' | 'scenes' | 'runtime'>,
  playerId: string,
  at: Date,
): Promise<SceneNames> {
  const player = await deps.sessions.state(playerId);
  // With the player's state: they see their own quest items, as a look would show them.
  const view = await deps.scenes.view(player.locationId, at, player);
  const { items } = deps.runtime.world;
  return {
    itemsHere: view.items.map((item) => item.name),
    carried: player.inventory.flatMap((id) => items.get(id)?.name ?? []),
    npcs: view.npcs.map((npc) => npc.name),
    enemies: view.enemies.map((enemy) => enemy.name),
    exits: view.exits.map(({ direction, name }) => ({ direction, name })),
    players: view.players,
  };
}
