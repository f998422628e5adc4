import type { Action } from '../actions.ts';
import { type Decider, DomainError, type DomainEvent } from '../decider.ts';
import { type Direction, findExit, requireLocation, type World } from '../world/world.ts';

/** Where an action's outcome came from: an LLM, the response cache, a template, or the rule engine. */
export type ResultSource = 'llm' | 'cache' | 'template' | 'rules';

/** What the player is shown for one action: always a narration, plus action-specific fields. */
export interface ActionResult {
  action_type: string;
  narration: string;
  [field: string]: unknown;
}

/** What a lane proposes; the decider checks every effect against the rules before anything happens. */
export type Effect = { kind: 'move'; to: string };

export type PlayerEvent =
  | DomainEvent<'PlayerRegistered', { playerId: string; username: string }>
  | DomainEvent<'PlayerSpawned', { playerId: string; locationId: string; hp: number; maxHp: number }>
  | DomainEvent<'PlayerEnteredWorld', { playerId: string; sessionId: string }>
  | DomainEvent<'PlayerLeftWorld', { playerId: string; sessionId: string }>
  | DomainEvent<'ActionRequested', { actionId: string; action: Action }>
  | DomainEvent<'PlayerMoved', { playerId: string; from: string; to: string; direction: Direction }>
  | DomainEvent<'DamageTaken', { playerId: string; amount: number; hp: number; cause: string }>
  | DomainEvent<'PlayerHealed', { playerId: string; amount: number; hp: number; cause: string }>
  | DomainEvent<'ItemAddedToInventory', { playerId: string; itemId: string }>
  | DomainEvent<'ItemRemovedFromInventory', { playerId: string; itemId: string }>
  | DomainEvent<
      'ActionResolved',
      { actionId: string; result: ActionResult; source: ResultSource; refusedEffects: RefusedEffect[] }
    >;

export interface RefusedEffect {
  effect: Effect;
  reason: string;
}

export type PlayerCommand =
  | { type: 'RegisterPlayer'; playerId: string; username: string }
  | { type: 'EnterWorld'; sessionId: string }
  | { type: 'LeaveWorld'; sessionId: string }
  | { type: 'RequestAction'; actionId: string; action: Action }
  | {
      type: 'ResolveAction';
      actionId: string;
      effects: Effect[];
      result: ActionResult;
      source: ResultSource;
    }
  | { type: 'TakeDamage'; amount: number; cause: string }
  | { type: 'Heal'; amount: number; cause: string }
  | { type: 'AddToInventory'; itemId: string }
  | { type: 'RemoveFromInventory'; itemId: string };

export interface PlayerState {
  registered: boolean;
  playerId: string;
  username: string;
  locationId: string;
  hp: number;
  maxHp: number;
  /** Item ids carried; an id appears once per item carried. */
  inventory: readonly string[];
  /** Open sessions (a player may play from several tabs); online while there is one. */
  sessions: readonly string[];
  /** Actions requested and not yet resolved, by action id. */
  pendingActions: Readonly<Record<string, Action>>;
}

export const playerStream = (playerId: string) => `player-${playerId}`;

/** How many actions may wait unresolved at once: more means a client is flooding us. */
export const MAX_PENDING_ACTIONS = 16;

export function playerDecider(world: World): Decider<PlayerState, PlayerCommand, PlayerEvent> {
  return {
    initialState: () => ({
      registered: false,
      playerId: '',
      username: '',
      locationId: '',
      hp: 0,
      maxHp: 0,
      inventory: [],
      sessions: [],
      pendingActions: {},
    }),

    decide(command, state) {
      if (command.type === 'RegisterPlayer') {
        if (state.registered) return [];
        const maxHp = world.content.player.maxHp;
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
          return [{ type: 'PlayerEnteredWorld', data: { playerId, sessionId: command.sessionId } }];

        case 'LeaveWorld':
          if (!state.sessions.includes(command.sessionId)) return [];
          return [{ type: 'PlayerLeftWorld', data: { playerId, sessionId: command.sessionId } }];

        case 'RequestAction':
          if (state.pendingActions[command.actionId]) return [];
          if (Object.keys(state.pendingActions).length >= MAX_PENDING_ACTIONS) {
            throw new DomainError('too_many_pending_actions', 'wait for your earlier actions to finish');
          }
          return [{ type: 'ActionRequested', data: { actionId: command.actionId, action: command.action } }];

        case 'ResolveAction': {
          if (!state.pendingActions[command.actionId]) return [];
          const { accepted, refused } = checkEffects(world, state, command.effects);
          return [
            ...accepted,
            {
              type: 'ActionResolved',
              data: {
                actionId: command.actionId,
                result: command.result,
                source: command.source,
                refusedEffects: refused,
              },
            },
          ];
        }

        case 'TakeDamage': {
          assertPositive(command.amount);
          const hp = Math.max(0, state.hp - command.amount);
          return [
            { type: 'DamageTaken', data: { playerId, amount: state.hp - hp, hp, cause: command.cause } },
          ];
        }

        case 'Heal': {
          assertPositive(command.amount);
          const hp = Math.min(state.maxHp, state.hp + command.amount);
          return [
            { type: 'PlayerHealed', data: { playerId, amount: hp - state.hp, hp, cause: command.cause } },
          ];
        }

        case 'AddToInventory':
          if (!world.items.has(command.itemId))
            throw new DomainError('unknown_item', `no such item: ${command.itemId}`);
          return [{ type: 'ItemAddedToInventory', data: { playerId, itemId: command.itemId } }];

        case 'RemoveFromInventory':
          if (!state.inventory.includes(command.itemId)) {
            throw new DomainError('not_carried', `you are not carrying ${command.itemId}`);
          }
          return [{ type: 'ItemRemovedFromInventory', data: { playerId, itemId: command.itemId } }];
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
        case 'ItemAddedToInventory':
          return { ...state, inventory: [...state.inventory, event.data.itemId] };
        case 'ItemRemovedFromInventory': {
          const index = state.inventory.indexOf(event.data.itemId);
          return { ...state, inventory: state.inventory.filter((_, i) => i !== index) };
        }
        default:
          return state;
      }
    },
  };
}

/** Keeps the effects the rules allow, in order, and says why each other one was refused. */
function checkEffects(world: World, state: PlayerState, effects: Effect[]) {
  const accepted: PlayerEvent[] = [];
  const refused: RefusedEffect[] = [];
  let locationId = state.locationId;
  for (const effect of effects) {
    if (effect.kind === 'move') {
      const exit = findExit(world, requireLocation(world, locationId), effect.to);
      if (!exit) {
        refused.push({ effect, reason: `no exit from ${locationId} leads to ${effect.to}` });
        continue;
      }
      accepted.push({
        type: 'PlayerMoved',
        data: { playerId: state.playerId, from: locationId, to: exit.to.id, direction: exit.direction },
      });
      locationId = exit.to.id;
    }
  }
  return { accepted, refused };
}

function assertPositive(amount: number): void {
  if (!Number.isInteger(amount) || amount <= 0) {
    throw new DomainError('invalid_amount', `amount must be a positive whole number, got ${amount}`);
  }
}
