import { type Decider, DomainError, type DomainEvent } from '../decider.ts';
import { seededRandom } from '../random.ts';
import { type Enemy, requireLocation, type World } from '../world/world.ts';

export type LocationEvent =
  | DomainEvent<'ItemPickedUp', { locationId: string; itemId: string; playerId: string }>
  | DomainEvent<'ItemDropped', { locationId: string; itemId: string; playerId: string }>
  | DomainEvent<
      'EnemyDamaged',
      { locationId: string; enemyId: string; playerId: string; damage: number; hp: number }
    >
  | DomainEvent<'EnemyDefeated', { locationId: string; enemyId: string; playerId: string; at: string }>
  | DomainEvent<'LootDropped', { locationId: string; enemyId: string; itemId: string }>;

/** One thing an action does to a location. */
export type LocationStep =
  | { type: 'PickUpItem'; itemId: string; playerId: string }
  | { type: 'DropItem'; itemId: string; playerId: string }
  | { type: 'DamageEnemy'; enemyId: string; playerId: string; damage: number; at: string; seed: string };

export type LocationCommand =
  | LocationStep
  /** All of one action's steps, in order: all of them happen, or (one refused) none. */
  | { type: 'ApplyActionSteps'; steps: LocationStep[] };

interface EnemyState {
  hp: number;
  /** Set while defeated; the enemy is back at full strength `respawnSeconds` later. */
  defeatedAt?: string;
}

export interface LocationState {
  locationId: string;
  /** Item ids lying here; an id appears once per item. */
  items: readonly string[];
  enemies: Readonly<Record<string, EnemyState>>;
}

export const locationStream = (locationId: string) => `location-${locationId}`;

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
      case 'PickUpItem':
        if (!state.items.includes(command.itemId)) {
          throw new DomainError(
            'item_not_here',
            `there is no ${world.items.get(command.itemId)?.name ?? command.itemId} here`,
          );
        }
        return [
          {
            type: 'ItemPickedUp',
            data: { locationId, itemId: command.itemId, playerId: command.playerId },
          },
        ];

      case 'DropItem':
        if (!world.items.has(command.itemId))
          throw new DomainError('unknown_item', `no such item: ${command.itemId}`);
        return [
          { type: 'ItemDropped', data: { locationId, itemId: command.itemId, playerId: command.playerId } },
        ];

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
          events.push({ type: 'EnemyDefeated', data: { locationId, enemyId, playerId, at: command.at } });
          const random = seededRandom(`${command.seed}/loot`);
          for (const loot of present.enemy.loot) {
            if (random() < loot.chance)
              events.push({ type: 'LootDropped', data: { locationId, enemyId, itemId: loot.item } });
          }
        }
        return events;
      }
    }
  }

  const decider: Decider<LocationState, LocationCommand, LocationEvent> = {
    initialState: () => ({
      locationId,
      items: location.items,
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
        case 'ItemPickedUp': {
          const index = state.items.indexOf(event.data.itemId);
          return index < 0 ? state : { ...state, items: state.items.filter((_, i) => i !== index) };
        }
        case 'ItemDropped':
        case 'LootDropped':
          return { ...state, items: [...state.items, event.data.itemId] };
        case 'EnemyDamaged':
          return { ...state, enemies: { ...state.enemies, [event.data.enemyId]: { hp: event.data.hp } } };
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
        default:
          return state;
      }
    },
  };
  return decider;
}
