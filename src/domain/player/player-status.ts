import { wieldedWeapon, wornArmor } from '../rules/gear.ts';
import type { Item, World } from '../world/world.ts';
import type { PlayerState } from './player.ts';

export interface QuestStatus {
  id: string;
  name: string;
  status: 'active' | 'completed';
  /** Steps done so far (the index of the current step; equal to `steps` once completed). */
  step: number;
  steps: number;
  /** The current step's description; absent once completed. */
  objective?: string;
}

/** What a client's status area shows: health, experience, what is carried and wielded, the quest log. */
export interface PlayerStatus {
  hp: number;
  max_hp: number;
  xp: number;
  /** One entry per item carried (two daggers: two entries). */
  inventory: { id: string; name: string; kind: Item['kind'] }[];
  /** The weapon attacks use (the one chosen, else the best one carried), or null for bare fists. */
  wielding: { id: string; name: string } | null;
  /** The armour worn (the one chosen, else the best one carried), or null for none. */
  wearing: { id: string; name: string } | null;
  /** In the order the quests were accepted. */
  quests: QuestStatus[];
}

/**
 * The player's status in the words of the world's content. Items and quests the content no longer
 * defines are left out: nothing could be done with them.
 */
export function playerStatus(world: World, state: PlayerState): PlayerStatus {
  const inventory = state.inventory.flatMap((id) => {
    const item = world.items.get(id);
    return item ? [{ id: item.id, name: item.name, kind: item.kind }] : [];
  });
  const weapon = wieldedWeapon(world, state);
  const armor = wornArmor(world, state);
  const quests = Object.entries(state.quests).flatMap(([id, progress]): QuestStatus[] => {
    const quest = world.quests.get(id);
    if (!quest) return [];
    const current = progress.status === 'active' ? quest.steps[progress.step] : undefined;
    return [
      {
        id,
        name: quest.name,
        status: progress.status,
        step: progress.step,
        steps: quest.steps.length,
        ...(current ? { objective: current.description } : {}),
      },
    ];
  });
  return {
    hp: state.hp,
    max_hp: state.maxHp,
    xp: state.xp,
    inventory,
    wielding: weapon ? { id: weapon.id, name: weapon.name } : null,
    wearing: armor ? { id: armor.id, name: armor.name } : null,
    quests,
  };
}
