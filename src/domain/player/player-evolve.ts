import { afterTelling } from '../npc/told-lines.ts';
import type { Equipped } from '../rules/gear.ts';
import type { World } from '../world/world.ts';
import type { PlayerState } from './player.ts';
import type { PlayerEvent } from './player-events.ts';

/** The player decider's evolve: what each of the player's events changes in their state. */
export function evolvePlayer(world: World, state: PlayerState, event: PlayerEvent): PlayerState {
  switch (event.type) {
    case 'PlayerRegistered':
      return { ...state, registered: true, playerId: event.data.playerId, username: event.data.username };
    case 'PlayerSpawned':
      return { ...state, locationId: event.data.locationId, hp: event.data.hp, maxHp: event.data.maxHp };
    case 'PlayerEnteredWorld':
      return { ...state, sessions: [...state.sessions, event.data.sessionId] };
    case 'PlayerLeftWorld':
      return { ...state, sessions: state.sessions.filter((s) => s !== event.data.sessionId) };
    case 'ActionRequested':
      return {
        ...state,
        pendingActions: { ...state.pendingActions, [event.data.actionId]: event.data.action },
      };
    case 'ActionResolved': {
      const { [event.data.actionId]: _resolved, ...pendingActions } = state.pendingActions;
      return { ...state, pendingActions };
    }
    case 'PlayerMoved':
      return { ...state, locationId: event.data.to };
    case 'DamageTaken':
    case 'PlayerHealed':
      return { ...state, hp: event.data.hp };
    case 'PlayerRespawned':
      return { ...state, locationId: event.data.locationId, hp: event.data.hp };
    case 'XpGained':
      return { ...state, xp: event.data.xp };
    case 'ItemAddedToInventory':
      return { ...state, inventory: [...state.inventory, event.data.itemId] };
    case 'ItemRemovedFromInventory': {
      const index = state.inventory.indexOf(event.data.itemId);
      const inventory = state.inventory.filter((_, i) => i !== index);
      return { ...state, inventory, equipped: unequipGone(state.equipped, inventory) };
    }
    case 'ItemEquipped':
      return { ...state, equipped: { ...state.equipped, [event.data.slot]: event.data.itemId } };
    case 'ItemUnequipped': {
      const { [event.data.slot]: _, ...kept } = state.equipped ?? {};
      return { ...state, equipped: kept };
    }
    case 'NpcConversationHeld': {
      const { npcId, told } = event.data;
      if (!told || told.length === 0) return state;
      const toldByNpc = state.toldByNpc ?? {};
      return { ...state, toldByNpc: { ...toldByNpc, [npcId]: afterTelling(toldByNpc[npcId] ?? [], told) } };
    }
    case 'RelationshipChanged':
      return {
        ...state,
        relationships: { ...state.relationships, [event.data.npcId]: event.data.score },
      };
    case 'QuestAccepted':
      return {
        ...state,
        quests: { ...state.quests, [event.data.questId]: { status: 'active', step: 0 } },
      };
    case 'QuestStepCompleted':
      return {
        ...state,
        quests: {
          ...state.quests,
          [event.data.questId]: { status: 'active', step: event.data.step + 1 },
        },
      };
    case 'QuestCompleted': {
      const step = world.quests.get(event.data.questId)?.steps.length ?? 0;
      return {
        ...state,
        quests: { ...state.quests, [event.data.questId]: { status: 'completed', step } },
      };
    }
    case 'QuestAbandoned': {
      const { [event.data.questId]: _abandoned, ...quests } = state.quests;
      return { ...state, quests };
    }
    default:
      return state;
  }
}

/** Gear chosen and no longer carried (dropped, given, used up) is no longer equipped. */
function unequipGone(equipped: Equipped | undefined, inventory: readonly string[]): Equipped | undefined {
  if (!equipped) return equipped;
  const kept = Object.entries(equipped).filter(([, itemId]) => itemId && inventory.includes(itemId));
  return kept.length === Object.keys(equipped).length ? equipped : Object.fromEntries(kept);
}
