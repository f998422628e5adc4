import type { Action } from '../actions.ts';
import { type Decider, DomainError } from '../decider.ts';
import type { Effect } from '../rules/effects.ts';
import type { Equipped } from '../rules/gear.ts';
import type { World } from '../world/world.ts';
import { withConsequences } from './action-consequences.ts';
import { applyEffects } from './apply-effects.ts';
import { type DeliveryCommand, decideDelivery } from './deliveries.ts';
import type { ActionResult, PlayerEvent, ResultSource } from './player-events.ts';
import { evolvePlayer } from './player-evolve.ts';
import { sameAction } from './same-action.ts';

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
  /**
   * What each NPC has told this player: keys of its content lines, oldest first, the last few hundred
   * (src/domain/npc/told-lines.ts). Absent in states made before NPCs kept count.
   */
  toldByNpc?: Readonly<Record<string, readonly string[]>>;
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
      toldByNpc: {},
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

    evolve: (state, event) => evolvePlayer(world, state, event),
  };
  return decider;
}

/**
 * A second window of an already present player (or one of two closing) is no arrival nor departure
 * for anyone else: the event says how many other sessions stay open (absent when none).
 */
const stillOpen = (otherSessions: number) => (otherSessions > 0 ? { otherSessions } : {});
