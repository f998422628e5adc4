import type { Action } from '../../../domain/actions.ts';
import { itemsSeenBy } from '../../../domain/location/item-placements.ts';
import { enemiesPresent, type LocationState, locationDecider } from '../../../domain/location/location.ts';
import type { PlayerState } from '../../../domain/player/player.ts';
import { fixtureWorld } from '../../../domain/testing/fixture-world.ts';
import { npcsAt, weatherAt, worldTime } from '../../../domain/world/clock.ts';
import { findByName } from '../../../domain/world/lookup.ts';
import { requireLocation, type World } from '../../../domain/world/world.ts';
import type { ActionContext, OnlinePlayer, Proposal, RecalledMemory } from '../../lane.ts';
import { RulesEngine } from '../../rules/rules-engine.ts';

export const AT = new Date('2024-05-01T12:00:00Z');

export interface ContextOptions {
  action: Action;
  world?: World;
  locationId?: string;
  player?: Partial<PlayerState>;
  memories?: RecalledMemory[];
  playersHere?: string[];
  /** Players online (besides the acting one, p1 'ayla', who is always online where they stand). */
  online?: OnlinePlayer[];
  /** Location states by id, for places whose items or enemies differ from the content's. */
  states?: Record<string, Partial<LocationState>>;
  actionId?: string;
}

/** An ActionContext as the action processor builds one, over the fixture world and fresh locations. */
export function actionContext(options: ContextOptions): ActionContext {
  const world = options.world ?? fixtureWorld();
  const at = AT;
  const locationId = options.player?.locationId ?? options.locationId ?? 'square';
  const player: PlayerState = {
    registered: true,
    playerId: 'p1',
    username: 'ayla',
    hp: world.content.player.maxHp,
    maxHp: world.content.player.maxHp,
    xp: 0,
    inventory: [],
    relationships: {},
    quests: {},
    sessions: ['s1'],
    pendingActions: {},
    ...options.player,
    locationId,
  };
  const stateOf = (id: string): LocationState => ({
    ...locationDecider(world, id).initialState(),
    ...options.states?.[id],
  });
  const itemsSeen = (id: string, state: LocationState) =>
    itemsSeenBy(world, requireLocation(world, id), state, at, player);
  const location = requireLocation(world, locationId);
  const locationState = stateOf(locationId);
  const npcsHere = npcsAt(world, locationId, at);
  const action = options.action;
  const npc = action.action_type === 'talk' ? findByName(npcsHere, action.npc) : undefined;
  return {
    actionId: options.actionId ?? 'a1',
    action,
    at,
    world,
    player,
    location,
    locationState,
    itemsHere: itemsSeen(locationId, locationState),
    time: worldTime(world, at),
    weather: weatherAt(world, location.region, at),
    enemiesHere: enemiesPresent(world, locationState, at),
    npcsHere,
    playersHere: options.playersHere ?? [],
    online: {
      everyone: () =>
        [...(options.online ?? []), { playerId: player.playerId, name: player.username, locationId }].sort(
          (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
        ),
      here: () => (options.online ?? []).filter((other) => other.locationId === locationId),
    },
    ...(npc ? { npc } : {}),
    memories: options.memories ?? [],
    stale: false,
    async describe(id) {
      const state = stateOf(id);
      return {
        items: itemsSeen(id, state),
        players: [],
        npcs: npcsAt(world, id, at),
        enemies: enemiesPresent(world, state, at),
        weather: weatherAt(world, requireLocation(world, id).region, at),
        timeOfDay: worldTime(world, at).timeOfDay,
      };
    },
  };
}

/** The rule engine's proposal for a context: the guidance an LLM lane is given. */
export function rulesProposal(context: ActionContext): Promise<Proposal> {
  return new RulesEngine().resolve(context);
}

/** What an NPC recalls of player p1's words, said on day `day` of April 2024. */
export const recalledMemory = (day: number, words: string): RecalledMemory => ({
  text: words,
  playerMessage: words,
  playerId: 'p1',
  createdAt: `2024-04-0${day}T09:00:00.000Z`,
  importance: 4,
});
