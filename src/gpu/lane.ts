import type { Action } from '../domain/actions.ts';
import type { LocationState } from '../domain/location/location.ts';
import type { ActionResult, Effect, PlayerState, ResultSource } from '../domain/player/player.ts';
import type { WorldTime } from '../domain/world/clock.ts';
import type { LocationScene } from '../domain/world/location-view.ts';
import type { Enemy, Location, Npc, Weather, World } from '../domain/world/world.ts';

/** A memory an NPC recalled for this talk (most relevant first). */
export interface RecalledMemory {
  text: string;
  /** The player's own words, when the memory is of something a player said. */
  playerMessage?: string;
  playerId?: string;
  createdAt: string;
  importance: number;
}

/** Everything a lane may know when it resolves one action: read-only facts, never a way to write. */
export interface ActionContext {
  actionId: string;
  action: Action;
  /** When the action was requested: the moment its world time, weather and respawns are read at. */
  at: Date;
  world: World;
  player: PlayerState;
  location: Location;
  locationState: LocationState;
  time: WorldTime;
  weather: Weather;
  enemiesHere: { enemy: Enemy; hp: number }[];
  npcsHere: Npc[];
  /** Other players online here, by name (in a crowd, the first few in name order). */
  playersHere: readonly string[];
  /** How many other players are online here, when `playersHere` is not all of them. */
  playersHereCount?: number;
  /** For talk: the NPC addressed (if present) and what it remembers that bears on the message. */
  npc?: Npc;
  memories: RecalledMemory[];
  /** The store was slow: the location's state is the last one seen, possibly a moment old. */
  stale: boolean;
  /** Another location as the player would find it (for describing where a move leads). */
  describe(locationId: string): Promise<LocationScene>;
}

/** A lane's answer: what it proposes should happen, and what the player is told. */
export interface Proposal {
  effects: Effect[];
  result: ActionResult;
  source: ResultSource;
}

/** A GPU lane backend (an LLM, or the rule engine that is always there). */
export interface Lane {
  readonly name: string;
  resolve(context: ActionContext): Promise<Proposal>;
}
