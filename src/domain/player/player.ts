import type { Action } from '../actions.ts';
import { type Decider, DomainError } from '../decider.ts';
import type { Effect, RefusedEffect } from '../rules/effects.ts';
import { type Equipped, slotOf } from '../rules/gear.ts';
import { findExit, requireLocation, type World } from '../world/world.ts';
import { withConsequences } from './action-consequences.ts';
import { type DeliveryCommand, decideDelivery } from './deliveries.ts';
import type { ActionResult, PlayerEvent, ResultSource } from './player-events.ts';
import { type ActionFacts, clampRelationship, questProgress } from './quests.ts';
import { sameAction } from './same-action.ts';
import { tradeEvents } from './trade-events.ts';

export type { Effect, RefusedEffect } from '../rules/effects.ts';
export type { ActionResult, PlayerEvent, ResultSource } from './player-events.ts';

export type PlayerCommand =
  | { type: 'RegisterPlayer'; playerId: string; username: string }
  /** `processId`: the game process holding the session's socket (its lease keeps the session alive). */
  | { type: 'EnterWorld'; sessionId: string; processId?: string }
  | { type: 'LeaveWorld'; sessionId: string }
  | { type: 'RequestAction'; actionId: string; action: Action }
  | {
      type: 'ResolveAction';
      actionId: string;
      /** Effects already checked against the situation (rules/effects.ts) and applied to other streams. */
      effects: Effect[];
      /** Enemies the location stream recorded as defeated by this action. */
      defeated?: string[];
      /** Item ids the location stream recorded as loot dropped by those enemies. */
      loot?: string[];
      result: ActionResult;
      source: ResultSource;
      /** When the action was requested: world time, weather and respawns are read at this moment. */
      at: string;
    }
  /** What another player's action brings this player (see deliveries.ts). */
  | DeliveryCommand;

export interface QuestProgress {
  status: 'active' | 'completed';
  /** Index of the step the player is on (equal to the step count once completed). */
  step: number;
}

export interface PlayerState {
  registered: boolean;
  playerId: string;
  username: string;
  locationId: string;
  hp: number;
  maxHp: number;
  xp: number;
  /** Item ids carried; an id appears once per item carried. */
  inventory: readonly string[];
  /** The weapon and armour the player chose (absent in states kept from before gear could be chosen). */
  equipped?: Equipped;
  /** How each NPC feels about this player (-100 … 100). */
  relationships: Readonly<Record<string, number>>;
  quests: Readonly<Record<string, QuestProgress>>;
  /** Open sessions (a player may play from several tabs); online while there is one. */
  sessions: readonly string[];
  /** Actions requested and not yet resolved, by action id. */
  pendingActions: Readonly<Record<string, Action>>;
}

export const playerStream = (playerId: string) => `player-${playerId}`;

/** How many actions may wait unresolved at once: more means a client is flooding us. */
export const MAX_PENDING_ACTIONS = 16;

export function playerDecider(world: World): Decider<PlayerState, PlayerCommand, PlayerEvent> {
  const decider: Decider<PlayerState, PlayerCommand, PlayerEvent> = {
    initialState: () => ({
      registered: false,
      playerId: '',
      username: '',
      locationId: '',
      hp: 0,
      maxHp: 0,
      xp: 0,
      inventory: [],
      equipped: {},
      relationships: {},
      quests: {},
      sessions: [],
      pendingActions: {},
    }),

    decide(command, state) {
      if (command.type === 'RegisterPlayer') {
        if (state.registered) return [];
        const { maxHp } = world.content.player;
        return [
          { type: 'PlayerRegistered', data: { playerId: command.playerId, username: command.username } },
          {
            type: 'PlayerSpawned',
            data: { playerId: command.playerId, locationId: world.content.startLocation, hp: maxHp, maxHp },
          },
        ];
      }
      if (!state.registered) throw new DomainError('not_registered', 'this player does not exist');
      const playerId = state.playerId;

      switch (command.type) {
        case 'EnterWorld':
          if (state.sessions.includes(command.sessionId)) return [];
          return [
            {
              type: 'PlayerEnteredWorld',
              data: {
                playerId,
                sessionId: command.sessionId,
                ...(command.processId ? { processId: command.processId } : {}),
                ...stillOpen(state.sessions.length),
              },
            },
          ];

        case 'LeaveWorld':
          if (!state.sessions.includes(command.sessionId)) return [];
          return [
            {
              type: 'PlayerLeftWorld',
              data: { playerId, sessionId: command.sessionId, ...stillOpen(state.sessions.length - 1) },
            },
          ];

        case 'RequestAction': {
          const pending = state.pendingActions[command.actionId];
          if (pending) {
            if (sameAction(pending, command.action)) return [];
            throw new DomainError(
              'id_reused',
              'this id belongs to a different action still in progress; give every new action a new id',
            );
          }
          if (Object.keys(state.pendingActions).length >= MAX_PENDING_ACTIONS) {
            throw new DomainError('too_many_pending_actions', 'wait for your earlier actions to finish');
          }
          return [{ type: 'ActionRequested', data: { actionId: command.actionId, action: command.action } }];
        }

        case 'ResolveAction': {
          if (!state.pendingActions[command.actionId]) return [];
          const { events, refused } = applyEffects(world, decider, state, command);
          const { actionId, source } = command;
          const result = withConsequences(
            world,
            command.result,
            events,
            events.reduce(decider.evolve, state),
            command.loot ?? [],
          );
          return [
            ...events,
            { type: 'ActionResolved', data: { actionId, result, source, refusedEffects: refused } },
          ];
        }

        case 'ReceiveItem':
        case 'ShareDefeat':
        case 'NoteTrade':
          return decideDelivery(world, decider, state, command);
      }
    },

    evolve(state, event) {
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
    },
  };
  return decider;
}

/** Gear chosen and no longer carried (dropped, given, used up) is no longer equipped. */
function unequipGone(equipped: Equipped | undefined, inventory: readonly string[]): Equipped | undefined {
  if (!equipped) return equipped;
  const kept = Object.entries(equipped).filter(([, itemId]) => itemId && inventory.includes(itemId));
  return kept.length === Object.keys(equipped).length ? equipped : Object.fromEntries(kept);
}

/**
 * A second window of an already present player (or one of two closing) is no arrival nor departure
 * for anyone else: the event says how many other sessions stay open (absent when none).
 */
const stillOpen = (otherSessions: number) => (otherSessions > 0 ? { otherSessions } : {});

/**
 * Turns checked effects into the player's events, re-checking what is the player's own to guard
 * (what they carry, their HP), then lets quests advance on what the action did.
 */
function applyEffects(
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
        const { npc, message, reply, emotion, relationshipChange, facts: told } = effect;
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
            ...(told && told.length > 0 ? { facts: told } : {}),
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
