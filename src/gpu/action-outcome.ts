import type { LocationStep } from '../domain/location/location.ts';
import type { Effect, RefusedEffect } from '../domain/rules/effects.ts';
import type { NewEvent } from '../infrastructure/event-store/event-store.ts';
import { type Delivery, deliveriesIn } from './deliveries.ts';
import type { Proposal } from './lane.ts';

/** What the action processor records: outcomes, and the location steps they are applied with. */

export function failureProposal(actionType: string): Proposal {
  return {
    effects: [],
    source: 'rules',
    result: {
      action_type: actionType,
      error: 'internal_error',
      narration:
        'The world shimmers for a moment and nothing happens. (The server could not complete this action; try again.)',
    },
  };
}

/** The checked proposal an action's location step was decided with (kept in its events' metadata). */
export interface RecordedOutcome {
  effects: Effect[];
  result: Proposal['result'];
  source: Proposal['source'];
  refused: RefusedEffect[];
}

/**
 * All the player's `ResolveAction` needs: the outcome, the enemies the location saw felled and the item
 * ids of the loot they dropped (one per item; absent means none).
 */
export type Outcome = RecordedOutcome & { defeated: string[]; loot?: string[]; deliveries?: Delivery[] };

export const OUTCOME_METADATA = 'actionOutcome';

export const locationStepId = (actionId: string) => `${actionId}/location`;

export function recordedOutcome(events: readonly NewEvent[]): Outcome {
  const recorded = events[0]?.metadata[OUTCOME_METADATA] as RecordedOutcome | undefined;
  if (!recorded) throw new Error('location step events without the outcome they were decided with');
  return {
    ...recorded,
    defeated: defeatedIn(events),
    loot: lootIn(events),
    deliveries: deliveriesIn(events),
  };
}

export function defeatedIn(events: readonly NewEvent[]): string[] {
  return events
    .filter((event) => event.type === 'EnemyDefeated')
    .map((event) => (event.data as { enemyId: string }).enemyId);
}

export function lootIn(events: readonly NewEvent[]): string[] {
  return events
    .filter((event) => event.type === 'LootDropped')
    .map((event) => (event.data as { itemId: string }).itemId);
}

export function locationSteps(
  effects: readonly Effect[],
  playerId: string,
  at: Date,
  actionId: string,
): LocationStep[] {
  return effects.flatMap((effect): LocationStep[] => {
    switch (effect.kind) {
      case 'take-item':
        return [{ type: 'PickUpItem', itemId: effect.item, playerId, at: at.toISOString() }];
      case 'drop-item':
        return [{ type: 'DropItem', itemId: effect.item, playerId, at: at.toISOString() }];
      case 'give-item-to-player':
        return [{ type: 'HandOverItem', itemId: effect.item, playerId, toPlayerId: effect.player }];
      case 'offer-trade':
        return [
          {
            type: 'OfferTrade',
            offerId: effect.offer,
            playerId,
            toPlayerId: effect.player,
            itemId: effect.give,
            forItemId: effect.for,
            at: at.toISOString(),
          },
        ];
      case 'accept-trade':
      case 'decline-trade':
      case 'withdraw-trade': {
        const answer =
          effect.kind === 'accept-trade'
            ? 'accept'
            : effect.kind === 'decline-trade'
              ? 'decline'
              : 'withdraw';
        return [{ type: 'AnswerTrade', offerId: effect.offer, playerId, answer, at: at.toISOString() }];
      }
      case 'attack':
        return [
          {
            type: 'DamageEnemy',
            enemyId: effect.enemy,
            playerId,
            damage: effect.damageDealt,
            at: at.toISOString(),
            seed: actionId,
          },
        ];
      default:
        return [];
    }
  });
}
