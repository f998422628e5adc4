import type { Enemy, World } from '../world/world.ts';
import type { Location, Weather } from '../world/world-schema.ts';
import { type Gear, wieldedWeapon, wornArmor } from './gear.ts';

export interface DamageRange {
  min: number;
  max: number;
}

/** The weather's sway over a fight here: only under the open sky (it does not reach indoors or underground). */
export function weatherCombatModifier(location: Pick<Location, 'setting'>, weather: Weather): number {
  return (location.setting ?? 'outdoors') === 'outdoors' ? weather.combatModifier : 0;
}

/** The armour worn's defense (0 without any). */
export function armorDefense(world: World, gear: Gear): number {
  return wornArmor(world, gear)?.defense ?? 0;
}

/** A hit always does at least 1 damage: defense and weather shift the range, never cancel it. */
function shifted(range: DamageRange, shift: number): DamageRange {
  return { min: Math.max(1, range.min + shift), max: Math.max(1, range.max + shift) };
}

/** What a player's hit on an enemy may do: the weapon wielded (or fists) + weather − enemy defense. */
export function playerHitRange(world: World, gear: Gear, enemy: Enemy, weatherModifier: number): DamageRange {
  const weapon = wieldedWeapon(world, gear)?.damage ?? world.content.player.unarmedDamage;
  return shifted(weapon, weatherModifier - enemy.defense);
}

/** What an enemy's counter-attack may do: its damage + weather − the armour worn. */
export function enemyHitRange(world: World, gear: Gear, enemy: Enemy, weatherModifier: number): DamageRange {
  return shifted(enemy.damage, weatherModifier - armorDefense(world, gear));
}

export function withinRange(value: number, range: DamageRange): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}
