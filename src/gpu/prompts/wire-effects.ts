import type { Effect } from '../../domain/rules/effects.ts';
import type { WorldEffectWire } from './schemas.ts';

/** A world model's effect as the domain states it. */
export function toDomainEffect(wire: WorldEffectWire): Effect {
  switch (wire.kind) {
    case 'move':
      return { kind: 'move', to: wire.to };
    case 'take_item':
      return { kind: 'take-item', item: wire.item };
    case 'drop_item':
      return { kind: 'drop-item', item: wire.item };
    case 'use_item':
      return { kind: 'use-item', item: wire.item, heal: wire.heal };
    case 'give_item':
      return { kind: 'give-item', item: wire.item, npc: wire.npc };
    case 'attack':
      return {
        kind: 'attack',
        enemy: wire.enemy,
        damageDealt: wire.damage_dealt,
        damageTaken: wire.damage_taken,
      };
  }
}

/** A domain effect in the wire form a world model writes; undefined for what it cannot propose. */
export function toWireEffect(effect: Effect): WorldEffectWire | undefined {
  switch (effect.kind) {
    case 'move':
      return { kind: 'move', to: effect.to };
    case 'take-item':
      return { kind: 'take_item', item: effect.item };
    case 'drop-item':
      return { kind: 'drop_item', item: effect.item };
    case 'use-item':
      return { kind: 'use_item', item: effect.item, heal: effect.heal };
    case 'give-item':
      return { kind: 'give_item', item: effect.item, npc: effect.npc };
    case 'attack':
      return {
        kind: 'attack',
        enemy: effect.enemy,
        damage_dealt: effect.damageDealt,
        damage_taken: effect.damageTaken,
      };
    default:
      return undefined;
  }
}
