import type { Action } from '../domain/actions.ts';
import type { ActionResult, Effect, PlayerState, ResultSource } from '../domain/player/player.ts';
import type { World } from '../domain/world/world.ts';

/** Everything a lane may know when it resolves one action: read-only facts, never a way to write. */
export interface ActionContext {
  actionId: string;
  action: Action;
  world: World;
  player: PlayerState;
  /** Item ids lying at the player's location. */
  itemsHere: readonly string[];
  /** Other players at the player's location, by name. */
  playersHere: readonly string[];
  /** Item ids and players at any location, for describing where a move leads. */
  itemsAt(locationId: string): Promise<readonly string[]>;
  playersAt(locationId: string): readonly string[];
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
