import { type Decider, DomainError, type DomainEvent } from '../decider.ts';
import { seededRandom } from '../random.ts';
import { type Enemy, requireLocation, type World } from '../world/world.ts';
import {
  dueRespawns,
  type PlacedItemsState,
  perPlayerItems,
  placedPerPlayer,
  sharedItemsAt,
  sharedPlacements,
} from './item-placements.ts';
import { decideTrade, evolveTrades, type TradeEvent, type TradeStep, type Trades } from './trades.ts';

export type LocationEvent =
  | DomainEvent<'ItemPickedUp', ItemMoved>
  | DomainEvent<'ItemDropped', ItemMoved>
  | DomainEvent<
      'EnemyDamaged',
      { locationId: string; enemyId: string; playerId: string; damage: number; hp: number }
    >
  | DomainEvent<
      'EnemyDefeated',
      {
        locationId: string;
        enemyId: string;
        playerId: string;
        at: string;
        /** The other players who wounded it in this life: each shares the kill (absent: none). */
        creditedPlayers?: string[];
      }
    >
  | DomainEvent<'LootDropped', { locationId: string; enemyId: string; itemId: string }>
  | DomainEvent<
      'ItemHandedOver',
      { locationId: string; itemId: string; playerId: string; toPlayerId: string }
    >
  | TradeEvent;

/** A type, not an interface: event data must read as a plain record. */
type ItemMoved = {
  locationId: string;
  itemId: string;
  playerId: string;
  /** When (absent on events from before respawns: read as long ago). */
  at?: string;
  /** The player's own one of a per-player item: the others' stay where they are. */
  perPlayer?: true;
};

/** One thing an action does to a location. */
export type LocationStep =
  | { type: 'PickUpItem'; itemId: string; playerId: string; at: string }
  | { type: 'DropItem'; itemId: string; playerId: string; at: string }
  | { type: 'DamageEnemy'; enemyId: string; playerId: string; damage: number; at: string; seed: string }
  /** One player hands an item to another standing here (the place witnesses it; nothing lies down). */
  | { type: 'HandOverItem'; itemId: string; playerId: string; toPlayerId: string }
  | TradeStep;

export type LocationCommand =
  | LocationStep
  /** All of one action's steps, in order: all of them happen, or (one refused) none. */
  | { type: 'ApplyActionSteps'; steps: LocationStep[] };

interface EnemyState {
  hp: number;
  /** Set while defeated; the enemy is back at full strength `respawnSeconds` later. */
  defeatedAt?: string;
  /** The players who wounded it in its current life, first blow first (they share its defeat). */
  strikers?: readonly string[];
}

/** Items: the shared floor, placed items coming back, per-player ones taken (see item-placements.ts). */
export interface LocationState extends PlacedItemsState {
  locationId: string;
  enemies: Readonly<Record<string, EnemyState>>;
  /** Trade offers open here, by offer id (absent: none yet; see trades.ts). */
  trades?: Trades;
}

export const locationStream = (locationId: string) => `location-${locationId}`;

/** When events from before respawns (no `at`) happened: long ago, so what they took is back. */
const LONG_AGO = new Date(0).toISOString();

/** The enemies standing here at a moment, with their current HP. */
export function enemiesPresent(world: World, state: LocationState, at: Date): { enemy: Enemy; hp: number }[] {
  return Object.entries(state.enemies).flatMap(([enemyId, enemyState]) => {
    const enemy = world.enemies.get(enemyId);
    if (!enemy) return [];
    if (!enemyState.defeatedAt) return [{ enemy, hp: enemyState.hp }];
    const back = Date.parse(enemyState.defeatedAt) + enemy.respawnSeconds * 1000;
    return at.getTime() >= back ? [{ enemy, hp: enemy.hp }] : [];
  });
}

/**
 * A location is the consistency boundary for what lies on its floor and the enemies in it: two
 * players racing for one item both decide against the same revision, and only one append wins.
 */
export function locationDecider(
  world: World,
  locationId: string,
): Decider<LocationState, LocationCommand, LocationEvent> {
  const location = requireLocation(world, locationId);
  function decideStep(command: LocationStep, state: LocationState): LocationEvent[] {
    switch (command.type) {
      case 'PickUpItem': {
        const { itemId, playerId, at } = command;
        const data = { locationId, itemId, playerId, at };
        // Their own one first: a shared one lying here stays for whoever has none of their own.
        if (placedPerPlayer(world, location, itemId) && !state.takenBy?.[itemId]?.includes(playerId))
          return [{ type: 'ItemPickedUp', data: { ...data, perPlayer: true } }];
        if (!sharedItemsAt(location, state, new Date(at)).includes(itemId)) {
          const perPlayer = placedPerPlayer(world, location, itemId);
          throw new DomainError(
            'item_not_here',
            `there is no ${perPlayer ? 'other ' : ''}${world.items.get(itemId)?.name ?? itemId} here${perPlayer ? ' for you: you took yours' : ''}`,
          );
        }
        return [{ type: 'ItemPickedUp', data }];
      }

      case 'DropItem': {
        const { itemId, playerId, at } = command;
        if (!world.items.has(itemId)) throw new DomainError('unknown_item', `no such item: ${itemId}`);
        // A per-player item set down where its owner took it goes back to being their own one.
        const ownBack = state.takenBy?.[itemId]?.includes(playerId) === true;
        return [
          {
            type: 'ItemDropped',
            data: { locationId, itemId, playerId, at, ...(ownBack ? { perPlayer: true as const } : {}) },
          },
        ];
      }

      case 'DamageEnemy': {
        const present = enemiesPresent(world, state, new Date(command.at)).find(
          (e) => e.enemy.id === command.enemyId,
        );
        if (!present)
          throw new DomainError(
            'enemy_not_here',
            `there is no ${world.enemies.get(command.enemyId)?.name ?? command.enemyId} here to fight`,
          );
        if (!Number.isInteger(command.damage) || command.damage < 1)
          throw new DomainError('invalid_amount', 'damage must be a positive whole number');
        const hp = Math.max(0, present.hp - command.damage);
        const { playerId, enemyId } = command;
        const events: LocationEvent[] = [
          { type: 'EnemyDamaged', data: { locationId, enemyId, playerId, damage: present.hp - hp, hp } },
        ];
        if (hp === 0) {
          const creditedPlayers = strikersOf(state, enemyId).filter((striker) => striker !== playerId);
          events.push({
            type: 'EnemyDefeated',
            data: {
              locationId,
              enemyId,
              playerId,
              at: command.at,
              ...(creditedPlayers.length > 0 ? { creditedPlayers } : {}),
            },
          });
          const random = seededRandom(`${command.seed}/loot`);
          // A quest item drops once for each player who shares the kill: a group's quest does not run dry.
          const sharers = 1 + creditedPlayers.length;
          for (const loot of present.enemy.loot) {
            if (random() >= loot.chance) continue;
            const copies = perPlayerItems(world.content).has(loot.item) ? sharers : 1;
            for (let copy = 0; copy < copies; copy++)
              events.push({ type: 'LootDropped', data: { locationId, enemyId, itemId: loot.item } });
          }
        }
        return events;
      }

      case 'HandOverItem':
        if (!world.items.has(command.itemId))
          throw new DomainError('unknown_item', `no such item: ${command.itemId}`);
        if (command.playerId === command.toPlayerId)
          throw new DomainError('same_player', 'a player cannot hand an item to themselves');
        return [
          {
            type: 'ItemHandedOver',
            data: {
              locationId,
              itemId: command.itemId,
              playerId: command.playerId,
              toPlayerId: command.toPlayerId,
            },
          },
        ];

      case 'OfferTrade':
      case 'AnswerTrade':
        return decideTrade(command, state.trades, locationId, (itemId) => world.items.has(itemId));
    }
  }

  const placedCount = (itemId: string) => location.items.filter((id) => id === itemId).length;
  const count = (ids: readonly string[], itemId: string) => ids.filter((id) => id === itemId).length;
  const withRespawning = (state: LocationState, itemId: string, times: readonly string[]) => {
    const { [itemId]: _, ...others } = state.respawning ?? {};
    return times.length > 0 ? { ...others, [itemId]: times } : others;
  };

  /** A shared one taken: from the floor if one lies there, else a placement back from its respawn. */
  function tookShared(state: LocationState, data: ItemMoved): LocationState {
    const { itemId } = data;
    const takenAt = data.at ?? LONG_AGO;
    let items = state.items;
    let waiting = state.respawning?.[itemId] ?? [];
    const index = items.indexOf(itemId);
    if (index >= 0) items = items.filter((_, i) => i !== index);
    else {
      const due = dueRespawns(location, state, itemId, new Date(takenAt))[0];
      if (due === undefined) return state;
      const used = waiting.indexOf(due);
      waiting = waiting.filter((_, i) => i !== used);
    }
    // A placement left empty comes back (when the content gives it a respawn).
    if (itemId in location.itemRespawns && count(items, itemId) + waiting.length < placedCount(itemId))
      waiting = [...waiting, takenAt];
    return { ...state, items, respawning: withRespawning(state, itemId, waiting) };
  }

  /** Set down here: it fills a placement still waiting for its respawn, so none comes back twice. */
  function droppedShared(state: LocationState, data: ItemMoved): LocationState {
    const { itemId } = data;
    const waiting = state.respawning?.[itemId] ?? [];
    const due = new Set(dueRespawns(location, state, itemId, new Date(data.at ?? LONG_AGO)));
    const pending = waiting.findLastIndex((t) => !due.has(t));
    const items = [...state.items, itemId];
    if (data.at === undefined || pending < 0) return { ...state, items };
    return {
      ...state,
      items,
      respawning: withRespawning(
        state,
        itemId,
        waiting.filter((_, i) => i !== pending),
      ),
    };
  }

  function tookOwn(state: LocationState, { itemId, playerId }: ItemMoved): LocationState {
    const takers = state.takenBy?.[itemId] ?? [];
    return { ...state, takenBy: { ...state.takenBy, [itemId]: [...takers, playerId] } };
  }

  function ownBack(state: LocationState, { itemId, playerId }: ItemMoved): LocationState {
    const takers = (state.takenBy?.[itemId] ?? []).filter((id) => id !== playerId);
    return { ...state, takenBy: { ...state.takenBy, [itemId]: takers } };
  }

  const decider: Decider<LocationState, LocationCommand, LocationEvent> = {
    initialState: () => ({
      locationId,
      items: sharedPlacements(world, location),
      respawning: {},
      takenBy: {},
      enemies: Object.fromEntries(location.enemies.map((id) => [id, { hp: world.enemies.get(id)?.hp ?? 1 }])),
    }),

    decide(command, state) {
      if (command.type === 'ApplyActionSteps') {
        const events: LocationEvent[] = [];
        let current = state;
        for (const step of command.steps) {
          const decided = decideStep(step, current);
          events.push(...decided);
          current = decided.reduce(decider.evolve, current);
        }
        return events;
      }
      return decideStep(command, state);
    },

    evolve(state, event) {
      switch (event.type) {
        case 'ItemPickedUp':
          return event.data.perPlayer ? tookOwn(state, event.data) : tookShared(state, event.data);
        case 'ItemDropped':
          return event.data.perPlayer ? ownBack(state, event.data) : droppedShared(state, event.data);
        case 'LootDropped':
          return { ...state, items: [...state.items, event.data.itemId] };
        case 'EnemyDamaged': {
          const { enemyId, playerId, hp } = event.data;
          // A blow on an enemy that had fallen is the first of its new life: earlier strikers share nothing.
          const earlier = state.enemies[enemyId]?.defeatedAt ? [] : strikersOf(state, enemyId);
          const strikers = earlier.includes(playerId) ? earlier : [...earlier, playerId];
          return { ...state, enemies: { ...state.enemies, [enemyId]: { hp, strikers } } };
        }
        case 'EnemyDefeated': {
          const enemy = world.enemies.get(event.data.enemyId);
          return {
            ...state,
            enemies: {
              ...state.enemies,
              [event.data.enemyId]: { hp: enemy?.hp ?? 1, defeatedAt: event.data.at },
            },
          };
        }
        case 'TradeOffered':
        case 'TradeAccepted':
        case 'TradeDeclined':
        case 'TradeWithdrawn':
          return { ...state, trades: evolveTrades(state.trades, event) };
        default:
          return state;
      }
    },
  };
  return decider;
}

function strikersOf(state: LocationState, enemyId: string): readonly string[] {
  const enemy = state.enemies[enemyId];
  return enemy && !enemy.defeatedAt ? (enemy.strikers ?? []) : [];
}
