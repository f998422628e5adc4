import type { Action } from '../domain/actions.ts';
import type { LocationState } from '../domain/location/location.ts';
import type { ActionResult, Effect, PlayerState, ResultSource } from '../domain/player/player.ts';
import type { WorldTime } from '../domain/world/clock.ts';
import type { LocationScene } from '../domain/world/location-view.ts';
import type { Enemy, Location, Npc, Weather, World } from '../domain/world/world.ts';

/** What kind of memory (Generative Agents: observations, and reflections drawn from them). */
export type MemoryKind = 'conversation' | 'fact' | 'observation' | 'reflection';

/** Something a player said about themselves, extracted from their words (never their words as such). */
export interface PlayerFact {
  kind: 'name' | 'home' | 'calling' | 'promise' | 'seeking';
  /** Short and normalised, e.g. "Aldric", "Millbrook", "find my brother". */
  value: string;
}

/** A memory an NPC recalled for this talk (most relevant first). */
export interface RecalledMemory {
  /** Absent on memories written before kinds existed: read as 'conversation'. */
  kind?: MemoryKind;
  /** What the NPC remembers, in its own terms (for a conversation, the player's words). */
  text: string;
  /** The player's own words, when the memory is of something a player said. */
  playerMessage?: string;
  /** For a conversation: what the NPC answered then (so it need not say it again). */
  npcReply?: string;
  /** For a fact: what the player told about themselves. */
  fact?: PlayerFact;
  /** Private memories (conversations, facts) carry their player; public observations do not. */
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
  /** What lies here as this player sees it now: placed items back from their respawn, their own per-player ones. */
  itemsHere: readonly string[];
  time: WorldTime;
  weather: Weather;
  enemiesHere: { enemy: Enemy; hp: number }[];
  npcsHere: Npc[];
  /** Other players online here, by name (in a crowd, the first few in name order). */
  playersHere: readonly string[];
  /** How many other players are online here, when `playersHere` is not all of them. */
  playersHereCount?: number;
  /** Who is online, as presence knows it now (for who and whisper). */
  online: OnlinePlayers;
  /** For talk: the NPC addressed (if present) and what it remembers that bears on the message. */
  npc?: Npc;
  memories: RecalledMemory[];
  /**
   * Snippets found by embedding similarity to the command: public ones (places, NPCs) may go in any
   * prompt; private ones (this player's own recent actions) only in that player's prompts.
   */
  related?: { public: readonly string[]; private: readonly string[] };
  /** The store was slow: the location's state is the last one seen, possibly a moment old. */
  stale: boolean;
  /** Another location as the player would find it (for describing where a move leads). */
  describe(locationId: string): Promise<LocationScene>;
}

/** An online player, as others may know them. */
export interface OnlinePlayer {
  playerId: string;
  name: string;
  locationId: string;
}

/** Who is online now, read when asked. */
export interface OnlinePlayers {
  /** Every player online, sorted by name (the acting player included). */
  everyone(): OnlinePlayer[];
  /** The other players online where the acting player stands, sorted by name. */
  here(): OnlinePlayer[];
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
