import type { Effect } from '../rules/effects.ts';
import { deciderSpec } from '../testing/decider-spec.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { type PlayerCommand, type PlayerEvent, playerDecider } from './player.ts';
import type { PlayerStatus } from './player-status.ts';

/** Given/when/then helpers shared by the player decider's tests (fixture world, player p1 at the square). */
export const spec = deciderSpec(playerDecider(fixtureWorld()));
export const p = 'p1';
export const at = '2026-11-25T12:00:00.000Z';
export const registered: PlayerEvent[] = [
  { type: 'PlayerRegistered', data: { playerId: p, username: 'ayla' } },
  { type: 'PlayerSpawned', data: { playerId: p, locationId: 'square', hp: 20, maxHp: 20 } },
];
export const requested = (actionId = 'a1'): PlayerEvent => ({
  type: 'ActionRequested',
  data: { actionId, action: { action_type: 'look' } },
});
export const result = { action_type: 'look', narration: 'Something happens.' };
export const resolve = (
  effects: Effect[],
  extra: Partial<Extract<PlayerCommand, { type: 'ResolveAction' }>> = {},
): PlayerCommand => ({
  type: 'ResolveAction',
  actionId: 'a1',
  effects,
  result,
  source: 'rules',
  at,
  ...extra,
});
export const resolved = (
  refusedEffects: { effect: Effect; reason: string }[] = [],
  shown: Record<string, unknown> = {},
): PlayerEvent => ({
  type: 'ActionResolved',
  data: { actionId: 'a1', result: { ...result, ...shown }, source: 'rules', refusedEffects },
});
/** The status a result carries: a fresh player's, with what the test changed. */
export const status = (changed: Partial<PlayerStatus> = {}): PlayerStatus => ({
  hp: 20,
  max_hp: 20,
  xp: 0,
  inventory: [],
  wielding: null,
  wearing: null,
  quests: [],
  ...changed,
});
export const prophecy = (
  progress: Partial<PlayerStatus['quests'][number]>,
): PlayerStatus['quests'][number] => ({
  id: 'prophecy',
  name: "The Elder's Prophecy",
  status: 'active',
  step: 0,
  steps: 3,
  objective: 'Visit the woods.',
  ...progress,
});
export const moved = (from: string, to: string, direction: 'north' | 'south'): PlayerEvent => ({
  type: 'PlayerMoved',
  data: { playerId: p, from, to, direction },
});
export const added = (itemId: string, reason: 'taken' | 'reward' = 'taken'): PlayerEvent => ({
  type: 'ItemAddedToInventory',
  data: { playerId: p, itemId, reason },
});
