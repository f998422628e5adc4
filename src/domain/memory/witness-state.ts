import type { World } from '../world/world.ts';
import { REPEAT_GAP_GAME_HOURS } from './memory-constants.ts';

/** A recorded event as the witnesses see it: `at` is when it happened (its data's or its record's time). */
export interface WitnessedEvent {
  id: string;
  type: string;
  data: unknown;
  at: Date;
}

/**
 * What the witnesses need to know of earlier events to tell later ones: players' names, how hurt they
 * are, and what was seen lately (one memory per fight, not per blow; one of a player pacing in and out
 * of a place). Kept by `recordWitnessed`; read by
 * `observationsOf` (observations.ts).
 */
export interface WitnessState {
  names: Map<string, string>;
  health: Map<string, { hp: number; maxHp: number }>;
  /** `fight/location/player/enemy`, `arrival/location/player`, … → when it was last seen, ms. */
  lastSeen: Map<string, number>;
}

export function newWitnessState(): WitnessState {
  return { names: new Map(), health: new Map(), lastSeen: new Map() };
}

/** Keeps what later observations need: names, health, what was seen lately. Mutates `state`. */
export function recordWitnessed(state: WitnessState, event: WitnessedEvent, world: World): void {
  const data = event.data as Record<string, unknown>;
  const playerId = typeof data.playerId === 'string' ? data.playerId : undefined;
  const num = (field: string) => (typeof data[field] === 'number' ? (data[field] as number) : undefined);
  if (!playerId) return;
  const maxHp = state.health.get(playerId)?.maxHp ?? world.content.player.maxHp;
  switch (event.type) {
    case 'PlayerRegistered':
      if (typeof data.username === 'string') state.names.set(playerId, data.username);
      break;
    case 'PlayerMoved': {
      const { from, to } = data;
      if (typeof from === 'string') sawNow(state, world, event, moveKey('departure', from, playerId));
      if (typeof to === 'string') sawNow(state, world, event, moveKey('arrival', to, playerId));
      break;
    }
    case 'PlayerSpawned':
      state.health.set(playerId, { hp: num('hp') ?? maxHp, maxHp: num('maxHp') ?? maxHp });
      break;
    case 'DamageTaken':
    case 'PlayerHealed':
    case 'PlayerRespawned': {
      const hp = num('hp');
      if (hp !== undefined) state.health.set(playerId, { hp, maxHp });
      break;
    }
    case 'EnemyDamaged': {
      const { locationId, enemyId } = data;
      if (typeof locationId !== 'string' || typeof enemyId !== 'string') break;
      sawNow(state, world, event, fightKey(locationId, playerId, enemyId));
      break;
    }
    case 'EnemyDefeated': {
      const { locationId, enemyId } = data;
      if (typeof locationId === 'string' && typeof enemyId === 'string')
        state.lastSeen.delete(fightKey(locationId, playerId, enemyId));
      break;
    }
  }
}

export function isWounded(state: WitnessState, playerId: string): boolean {
  const health = state.health.get(playerId);
  return health !== undefined && health.hp * 2 < health.maxHp;
}

export function fightKey(locationId: string, playerId: string, enemyId: string): string {
  return `fight/${locationId}/${playerId}/${enemyId}`;
}

export function moveKey(kind: 'arrival' | 'departure', locationId: string, playerId: string): string {
  return `${kind}/${locationId}/${playerId}`;
}

function repeatGapMs(world: World): number {
  return REPEAT_GAP_GAME_HOURS * world.content.time.secondsPerGameHour * 1000;
}

export function seenLately(state: WitnessState, world: World, event: WitnessedEvent, key: string): boolean {
  const last = state.lastSeen.get(key);
  return last !== undefined && event.at.getTime() - last < repeatGapMs(world);
}

/** Past this many entries, those older than the gap (which tell nothing any more) are dropped. */
const LAST_SEEN_PRUNE_AT = 4_096;

function sawNow(state: WitnessState, world: World, event: WitnessedEvent, key: string): void {
  const now = event.at.getTime();
  if (state.lastSeen.size >= LAST_SEEN_PRUNE_AT) {
    for (const [old, at] of state.lastSeen) if (now - at >= repeatGapMs(world)) state.lastSeen.delete(old);
  }
  state.lastSeen.set(key, now);
}
