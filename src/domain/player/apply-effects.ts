import type { Decider } from '../decider.ts';
import type { RefusedEffect } from '../rules/effects.ts';
import { slotOf } from '../rules/gear.ts';
import { findExit, requireLocation, type World } from '../world/world.ts';
import type { PlayerCommand, PlayerState } from './player.ts';
import type { PlayerEvent } from './player-events.ts';
import { type ActionFacts, clampRelationship, questProgress } from './quests.ts';
import { tradeEvents } from './trade-events.ts';

/**
 * Turns checked effects into the player's events, re-checking what is the player's own to guard
 * (what they carry, their HP), then lets quests advance on what the action did.
 */
export function applyEffects(
  world: World,
  decider: Pick<Decider<PlayerState, never, PlayerEvent>, 'evolve'>,
  initial: PlayerState,
  command: Extract<PlayerCommand, { type: 'ResolveAction' }>,
): { events: PlayerEvent[]; refused: RefusedEffect[] } {
  const events: PlayerEvent[] = [];
  const refused: RefusedEffect[] = [];
  const facts: ActionFacts = { talkedTo: [], defeated: [], delivered: [] };
  let state = initial;
  const playerId = state.playerId;
  const emit = (...more: PlayerEvent[]) => {
    for (const event of more) {
      events.push(event);
      state = decider.evolve(state, event);
    }
  };
  const carried = (itemId: string) => state.inventory.includes(itemId);

  for (const effect of command.effects) {
    switch (effect.kind) {
      case 'move': {
        const exit = findExit(world, requireLocation(world, state.locationId), effect.to);
        if (!exit) {
          refused.push({ effect, reason: `no exit from ${state.locationId} leads to ${effect.to}` });
          break;
        }
        emit({
          type: 'PlayerMoved',
          data: { playerId, from: state.locationId, to: exit.to.id, direction: exit.direction },
        });
        break;
      }
      case 'take-item':
        emit({ type: 'ItemAddedToInventory', data: { playerId, itemId: effect.item, reason: 'taken' } });
        break;
      case 'drop-item':
      case 'use-item':
      case 'give-item': {
        if (!carried(effect.item)) {
          refused.push({ effect, reason: `${effect.item} is not carried` });
          break;
        }
        const reason =
          effect.kind === 'drop-item' ? 'dropped' : effect.kind === 'use-item' ? 'used' : 'given';
        emit({ type: 'ItemRemovedFromInventory', data: { playerId, itemId: effect.item, reason } });
        if (effect.kind === 'use-item' && effect.heal > 0) {
          const hp = Math.min(state.maxHp, state.hp + effect.heal);
          emit({ type: 'PlayerHealed', data: { playerId, amount: hp - state.hp, hp, cause: effect.item } });
        }
        if (effect.kind === 'give-item') {
          emit({ type: 'ItemGivenToNpc', data: { playerId, itemId: effect.item, npcId: effect.npc } });
          facts.delivered.push({ item: effect.item, npc: effect.npc });
        }
        break;
      }
      case 'give-item-to-player':
        // The receiver already has it (the action processor delivers before this is recorded): refusing
        // here would double the item, and the rules checked it is carried against this same state.
        emit(
          { type: 'ItemRemovedFromInventory', data: { playerId, itemId: effect.item, reason: 'given' } },
          { type: 'ItemGivenToPlayer', data: { playerId, itemId: effect.item, toPlayerId: effect.player } },
        );
        break;
      case 'offer-trade':
      case 'accept-trade':
      case 'decline-trade':
      case 'withdraw-trade':
        // The location settled the trade before this is recorded, and the other player's side is
        // already delivered: like a gift, this side is never refused (see location/trades.ts).
        emit(...tradeEvents(playerId, effect));
        break;
      case 'attack': {
        if (command.defeated?.includes(effect.enemy)) {
          facts.defeated.push(effect.enemy);
          emit({
            type: 'EnemySlain',
            data: { playerId, enemyId: effect.enemy, locationId: state.locationId },
          });
          const xp = world.enemies.get(effect.enemy)?.xp ?? 0;
          if (xp > 0)
            emit({
              type: 'XpGained',
              data: { playerId, amount: xp, xp: state.xp + xp, reason: `defeated:${effect.enemy}` },
            });
        }
        if (effect.damageTaken > 0) takeDamage(effect.damageTaken, effect.enemy);
        break;
      }
      case 'talk': {
        facts.talkedTo.push(effect.npc);
        const { npc, message, reply, emotion, relationshipChange, facts: toldOfThemselves, told } = effect;
        emit({
          type: 'NpcConversationHeld',
          data: {
            playerId,
            npcId: npc,
            locationId: state.locationId,
            message,
            reply,
            emotion,
            at: command.at,
            ...(toldOfThemselves && toldOfThemselves.length > 0 ? { facts: toldOfThemselves } : {}),
            ...(told && told.length > 0 ? { told } : {}),
          },
        });
        if (relationshipChange !== 0) {
          const before = state.relationships[npc] ?? 0;
          const score = clampRelationship(before + relationshipChange);
          if (score !== before) {
            emit({
              type: 'RelationshipChanged',
              data: { playerId, npcId: npc, change: score - before, score, reason: 'talk' },
            });
          }
        }
        break;
      }
      case 'say':
        emit({
          type: 'PlayerSaid',
          data: { playerId, locationId: state.locationId, message: effect.message },
        });
        break;
      case 'emote':
        emit({
          type: 'PlayerEmoted',
          data: { playerId, locationId: state.locationId, message: effect.message },
        });
        break;
      case 'whisper':
        if (effect.to === playerId) {
          refused.push({ effect, reason: 'a player cannot whisper to themselves' });
          break;
        }
        emit({
          type: 'PlayerWhispered',
          data: { playerId, toPlayerId: effect.to, locationId: state.locationId, message: effect.message },
        });
        break;
      case 'equip': {
        const slot = slotOf(world.items.get(effect.item));
        if (!carried(effect.item) || !slot) {
          refused.push({ effect, reason: `${effect.item} is not carried gear` });
          break;
        }
        if (state.equipped?.[slot] !== effect.item)
          emit({ type: 'ItemEquipped', data: { playerId, itemId: effect.item, slot } });
        break;
      }
      case 'unequip': {
        const slot = slotOf(world.items.get(effect.item));
        if (!slot || state.equipped?.[slot] !== effect.item || !carried(effect.item)) {
          refused.push({ effect, reason: `${effect.item} is not equipped` });
          break;
        }
        emit({ type: 'ItemUnequipped', data: { playerId, itemId: effect.item, slot } });
        break;
      }
      case 'accept-quest':
        if (state.quests[effect.quest])
          refused.push({ effect, reason: `${effect.quest} was already accepted` });
        else emit({ type: 'QuestAccepted', data: { playerId, questId: effect.quest } });
        break;
      case 'abandon-quest':
        if (state.quests[effect.quest]?.status !== 'active')
          refused.push({ effect, reason: `${effect.quest} is not active` });
        else emit({ type: 'QuestAbandoned', data: { playerId, questId: effect.quest } });
        break;
    }
  }
  emit(...questProgress(world, state, facts));
  return { events, refused };

  function takeDamage(amount: number, enemyId: string) {
    const hp = Math.max(0, state.hp - amount);
    emit({ type: 'DamageTaken', data: { playerId, amount: state.hp - hp, hp, cause: enemyId } });
    if (hp > 0) return;
    const from = state.locationId;
    emit(
      { type: 'PlayerDefeated', data: { playerId, locationId: from, by: enemyId } },
      {
        type: 'PlayerRespawned',
        data: { playerId, from, locationId: world.content.startLocation, hp: state.maxHp },
      },
    );
  }
}
