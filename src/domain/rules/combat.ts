import type { Enemy, Item, World } from '../world/world.ts';

export interface DamageRange {
  min: number;
  max: number;
}

/** The best weapon carried (highest maximum damage), if any. */
export function bestWeapon(world: World, inventory: readonly string[]): Item | undefined {
  let best: Item | undefined;
  for (const id of inventory) {
    const item = world.items.get(id);
    if (item?.damage && (!best || item.damage.max > best.damage!.max)) best = item;
  }
  return best;
}

/** Total armor carried. */
export function armorDefense(world: World, inventory: readonly string[]): number {
  return inventory.reduce((sum, id) => sum + (world.items.get(id)?.defense ?? 0), 0);
}

/** A hit always does at least 1 damage: defense and weather shift the range, never cancel it. */
function shifted(range: DamageRange, shift: number): DamageRange {
  return { min: Math.max(1, range.min + shift), max: Math.max(1, range.max + shift) };
}

/** What a player's hit on an enemy may do: weapon (or fists) + weather − enemy defense. */
export function playerHitRange(
  world: World,
  inventory: readonly string[],
  enemy: Enemy,
  weatherModifier: number,
): DamageRange {
  const weapon = bestWeapon(world, inventory)?.damage ?? world.content.player.unarmedDamage;
  return shifted(weapon, weatherModifier - enemy.defense);
}

/** What an enemy's counter-attack may do: its damage + weather − the player's armor. */
export function enemyHitRange(
  world: World,
  inventory: readonly string[],
  enemy: Enemy,
  weatherModifier: number,
): DamageRange {
  return shifted(enemy.damage, weatherModifier - armorDefense(world, inventory));
}

export function withinRange(value: number, range: DamageRange): boolean {
  return Number.isInteger(value) && value >= range.min && value <= range.max;
}
