import type { Decider } from '../decider.ts';
import type { RefusedEffect } from '../rules/effects.ts';
import { slotOf } from '../rules/gear.ts';
import { findExit, requireLocation, type World } from '../world/world.ts';
import { EventFold } from './event-fold.ts';
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
  const fold = new EventFold<PlayerState, PlayerEvent>((s, e) => decider.evolve(s, e), initial);
  const { events } = fold;
  const emit = (...more: PlayerEvent[]) => fold.emit(...more);
  const refused: RefusedEffect[] = [];
  const facts: ActionFacts = { talkedTo: [], defeated: [], delivered: [] };
  const playerId = initial.playerId;
  const carried = (itemId: string) => fold.state.inventory.includes(itemId);

  for (const effect of command.effects) {
    switch (effect.kind) {
      case 'move': {
        const exit = findExit(world, requireLocation(world, fold.state.locationId), effect.to);
        if (!exit) {
          refused.push({ effect, reason: `no exit from ${fold.state.locationId} leads to ${effect.to}` });
          break;
        }
        emit({
          type: 'PlayerMoved',
          data: { playerId, from: fold.state.locationId, to: exit.to.id, direction: exit.direction },
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
          const hp = Math.min(fold.state.maxHp, fold.state.hp + effect.heal);
          emit({
            type: 'PlayerHealed',
            data: { playerId, amount: hp - fold.state.hp, hp, cause: effect.item },
          });
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
            data: { playerId, enemyId: effect.enemy, locationId: fold.state.locationId },
          });
          const xp = world.enemies.get(effect.enemy)?.xp ?? 0;
          if (xp > 0)
            emit({
              type: 'XpGained',
              data: { playerId, amount: xp, xp: fold.state.xp + xp, reason: `defeated:${effect.enemy}` },
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
            locationId: fold.state.locationId,
            message,
            reply,
            emotion,
            at: command.at,
            ...(toldOfThemselves && toldOfThemselves.length > 0 ? { facts: toldOfThemselves } : {}),
            ...(told && told.length > 0 ? { told } : {}),
          },
        });
        if (relationshipChange !== 0) {
          const before = fold.state.relationships[npc] ?? 0;
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
          data: { playerId, locationId: fold.state.locationId, message: effect.message },
        });
        break;
      case 'emote':
        emit({
          type: 'PlayerEmoted',
          data: { playerId, locationId: fold.state.locationId, message: effect.message },
        });
        break;
      case 'whisper':
        if (effect.to === playerId) {
          refused.push({ effect, reason: 'a player cannot whisper to themselves' });
          break;
        }
        emit({
          type: 'PlayerWhispered',
          data: {
            playerId,
            toPlayerId: effect.to,
            locationId: fold.state.locationId,
            message: effect.message,
          },
        });
        break;
      case 'equip': {
        const slot = slotOf(world.items.get(effect.item));
        if (!carried(effect.item) || !slot) {
          refused.push({ effect, reason: `${effect.item} is not carried gear` });
          break;
        }
        if (fold.state.equipped?.[slot] !== effect.item)
          emit({ type: 'ItemEquipped', data: { playerId, itemId: effect.item, slot } });
        break;
      }
      case 'unequip': {
        const slot = slotOf(world.items.get(effect.item));
        if (!slot || fold.state.equipped?.[slot] !== effect.item || !carried(effect.item)) {
          refused.push({ effect, reason: `${effect.item} is not equipped` });
          break;
        }
        emit({ type: 'ItemUnequipped', data: { playerId, itemId: effect.item, slot } });
        break;
      }
      case 'accept-quest':
        if (fold.state.quests[effect.quest])
          refused.push({ effect, reason: `${effect.quest} was already accepted` });
        else emit({ type: 'QuestAccepted', data: { playerId, questId: effect.quest } });
        break;
      case 'abandon-quest':
        if (fold.state.quests[effect.quest]?.status !== 'active')
          refused.push({ effect, reason: `${effect.quest} is not active` });
        else emit({ type: 'QuestAbandoned', data: { playerId, questId: effect.quest } });
        break;
    }
  }
  emit(...questProgress(world, fold.state, facts));
  return { events, refused };

  function takeDamage(amount: number, enemyId: string) {
    const hp = Math.max(0, fold.state.hp - amount);
    emit({ type: 'DamageTaken', data: { playerId, amount: fold.state.hp - hp, hp, cause: enemyId } });
    if (hp > 0) return;
    const from = fold.state.locationId;
    emit(
      { type: 'PlayerDefeated', data: { playerId, locationId: from, by: enemyId } },
      {
        type: 'PlayerRespawned',
        data: { playerId, from, locationId: world.content.startLocation, hp: fold.state.maxHp },
      },
    );
  }
}
