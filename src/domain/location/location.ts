import { type Decider, DomainError, type DomainEvent } from '../decider.ts';
import { requireLocation, type World } from '../world/world.ts';

export type LocationEvent =
  | DomainEvent<'ItemPickedUp', { locationId: string; itemId: string; playerId: string }>
  | DomainEvent<'ItemDropped', { locationId: string; itemId: string; playerId: string }>;

export type LocationCommand =
  | { type: 'PickUpItem'; itemId: string; playerId: string }
  | { type: 'DropItem'; itemId: string; playerId: string };

export interface LocationState {
  locationId: string;
  /** Item ids lying here; an id appears once per item. */
  items: readonly string[];
}

export const locationStream = (locationId: string) => `location-${locationId}`;

/**
 * A location is the consistency boundary for what lies on its floor: two players racing for the
 * same item both decide against the same revision, and the event store lets only one append win.
 */
export function locationDecider(
  world: World,
  locationId: string,
): Decider<LocationState, LocationCommand, LocationEvent> {
  const location = requireLocation(world, locationId);
  return {
    initialState: () => ({ locationId, items: location.items }),

    decide(command, state) {
      switch (command.type) {
        case 'PickUpItem':
          if (!state.items.includes(command.itemId)) {
            throw new DomainError('item_not_here', `there is no ${itemName(world, command.itemId)} here`);
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
      }
    },

    evolve(state, event) {
      switch (event.type) {
        case 'ItemPickedUp': {
          const index = state.items.indexOf(event.data.itemId);
          return index < 0 ? state : { ...state, items: state.items.filter((_, i) => i !== index) };
        }
        case 'ItemDropped':
          return { ...state, items: [...state.items, event.data.itemId] };
        default:
          return state;
      }
    },
  };
}

function itemName(world: World, itemId: string): string {
  return world.items.get(itemId)?.name ?? itemId;
}
