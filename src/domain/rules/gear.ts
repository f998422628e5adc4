import type { Item, World } from '../world/world.ts';

/** Where a piece of gear goes: one weapon in hand, one armour worn. */
export type GearSlot = 'weapon' | 'armor';

/** What the player chose to wield and wear (item ids), slot by slot. */
export type Equipped = Readonly<Partial<Record<GearSlot, string>>>;

/** What a player's gear is read from: what they carry, and what they chose (absent: nothing chosen). */
export interface Gear {
  inventory: readonly string[];
  equipped?: Equipped;
}

/** The slot an item fills when equipped; undefined for what cannot be wielded or worn. */
export function slotOf(item: Item | undefined): GearSlot | undefined {
  if (item?.kind === 'weapon' && item.damage) return 'weapon';
  if (item?.kind === 'armor') return 'armor';
  return undefined;
}

/**
 * The item in a slot: the one the player equipped while they still carry it; otherwise (nothing
 * chosen, or the chosen one left the inventory) the best one carried, so a player who never chose
 * fights as well as what they carry allows.
 */
export function inSlot(world: World, gear: Gear, slot: GearSlot): Item | undefined {
  const chosen = gear.equipped?.[slot];
  if (chosen && gear.inventory.includes(chosen)) {
    const item = world.items.get(chosen);
    if (slotOf(item) === slot) return item;
  }
  let best: Item | undefined;
  for (const id of gear.inventory) {
    const item = world.items.get(id);
    if (slotOf(item) !== slot) continue;
    if (!best || strength(item!, slot) > strength(best, slot)) best = item;
  }
  return best;
}

const strength = (item: Item, slot: GearSlot) =>
  slot === 'weapon' ? (item.damage?.max ?? 0) : (item.defense ?? 0);

/** The weapon attacks use, if any (bare fists otherwise). */
export const wieldedWeapon = (world: World, gear: Gear) => inSlot(world, gear, 'weapon');

/** The armour worn, if any: one piece, however many are carried. */
export const wornArmor = (world: World, gear: Gear) => inSlot(world, gear, 'armor');

/** Whether `itemId` is what the player chose for its slot (and still carries). */
export function isEquipped(gear: Gear, itemId: string): boolean {
  return Object.values(gear.equipped ?? {}).includes(itemId) && gear.inventory.includes(itemId);
}
