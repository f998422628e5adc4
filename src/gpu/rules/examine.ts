import type { ActionOf } from '../../domain/actions.ts';
import { wieldedWeapon, wornArmor } from '../../domain/rules/gear.ts';
import { thereIsNo } from '../../domain/world/grammar.ts';
import { findByName } from '../../domain/world/lookup.ts';
import type { Item } from '../../domain/world/world.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { sceneryNamed } from './scenery.ts';

/**
 * A close look at one thing: something carried or lying here, someone here, an enemy here (with how
 * hurt it is), another player here, then what the place's description names (the well of the square).
 * Nothing changes; the text is the content's own, told as things stand now.
 */
export function examine(context: ActionContext, action: ActionOf<'examine'>): Proposal {
  const { world, player, itemsHere } = context;
  const items = (ids: readonly string[]) =>
    ids.map((id) => world.items.get(id)).filter((item): item is Item => item !== undefined);
  const carried = findByName(items(player.inventory), action.target);
  const lying = carried ? undefined : findByName(items(itemsHere), action.target);
  const item = carried ?? lying;
  if (item)
    return answer(`${item.description} ${carried ? carriedAs(context, carried) : 'It lies here.'}`, {
      target: { kind: 'item', id: item.id, name: item.name },
    });
  const npc = findByName(context.npcsHere, action.target);
  if (npc) return answer(npc.description, { target: { kind: 'npc', id: npc.id, name: npc.name } });
  const foe = findByName(
    context.enemiesHere.map((here) => here.enemy),
    action.target,
  );
  if (foe) {
    const hp = context.enemiesHere.find((here) => here.enemy.id === foe.id)!.hp;
    const state = hp >= foe.hp ? 'It is unhurt.' : hp * 2 >= foe.hp ? 'It is wounded.' : 'It is badly hurt.';
    return answer(`${foe.description} ${state}`, {
      target: { kind: 'enemy', id: foe.id, name: foe.name, hp, max_hp: foe.hp },
    });
  }
  const other = playerNamed(
    context.online.here().map((here) => ({ ...here, id: here.playerId })),
    action.target,
  );
  if (other)
    return answer(`${other.name}, a fellow adventurer, stands here with you. (whisper ${other.name}: …)`, {
      target: { kind: 'player', name: other.name },
    });
  if (playerNamed([{ id: player.playerId, name: player.username }], action.target))
    return answer('That is you. Your inventory says what you carry and how you fare (inventory).', {
      target: { kind: 'player', name: player.username },
    });
  const scenery = sceneryNamed(placeDescription(context), action.target);
  if (scenery) return answer(scenery, { target: { kind: 'scenery', name: action.target.trim() } });
  return answer(thereIsNo(action.target, 'here to examine'));
}

/** A player by the start of their name: "well" is not Maxwell, it is the well of the square. */
function playerNamed<T extends { id: string; name: string }>(players: readonly T[], typed: string) {
  const found = findByName(players, typed);
  const wanted = typed
    .toLowerCase()
    .replace(/^(the|a|an)\s+/, '')
    .trim();
  return found?.name.toLowerCase().startsWith(wanted) ? found : undefined;
}

/** The place as a look tells it now: its description and the line of this time of day. */
function placeDescription({ location, time }: ActionContext): string {
  const timeLine = location.timeOfDay[time.timeOfDay];
  return timeLine ? `${location.description} ${timeLine}` : location.description;
}

/** How the player has an item they carry: wielded or worn when it is what fights use, else carried. */
function carriedAs({ world, player }: ActionContext, item: Item): string {
  if (wieldedWeapon(world, player)?.id === item.id) return 'You wield it.';
  if (wornArmor(world, player)?.id === item.id) return 'You wear it.';
  return 'You carry it.';
}

const answer = (narration: string, extra: Record<string, unknown> = {}): Proposal => ({
  effects: [],
  source: 'rules',
  result: { action_type: 'examine', narration, ...extra },
});
