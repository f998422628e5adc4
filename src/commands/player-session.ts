import { randomUUID } from 'node:crypto';
import type { Action } from '../domain/actions.ts';
import { type PlayerState, playerStream } from '../domain/player/player.ts';
import type { CommandHandler, Handled } from './command-handler.ts';
import type { WorldRuntime } from './world-runtime.ts';

export interface RequestOptions {
  /** Random when absent. */
  actionId?: string;
  /** When the player asked (the frame's arrival): the action's time for the lanes and the world. */
  at?: Date;
  /** Withdraws the append while it still waits to be sent. */
  signal?: AbortSignal;
  /** The client's id of the frame that asked: kept with the request, so its answer names it in any replay. */
  frameId?: string;
}

/** The commands a connected player sends: entering and leaving the world, and requesting actions. */
export class PlayerSessions {
  constructor(
    private readonly commands: CommandHandler,
    private readonly runtime: WorldRuntime,
    /** This process: its lease keeps the sessions it holds alive (see SessionReaper). */
    private readonly processId?: string,
  ) {}

  async enter(playerId: string, sessionId: string): Promise<PlayerState> {
    const { state } = await this.commands.handle(
      playerStream(playerId),
      this.runtime.deciders.player,
      { type: 'EnterWorld', sessionId, ...(this.processId ? { processId: this.processId } : {}) },
      { commandId: `enter-${sessionId}`, playerId },
    );
    return state;
  }

  async leave(playerId: string, sessionId: string): Promise<void> {
    await this.commands.handle(
      playerStream(playerId),
      this.runtime.deciders.player,
      { type: 'LeaveWorld', sessionId },
      { commandId: `leave-${sessionId}`, playerId },
    );
  }

  /**
   * Appends `ActionRequested`; its id is the correlation id of every outcome event. Requesting an
   * action id again appends nothing: `handled` tells whether it is new, still pending (no events) or
   * was appended before (`alreadyHandled`).
   */
  async requestAction(
    playerId: string,
    action: Action,
    options: RequestOptions = {},
  ): Promise<{ actionId: string; handled: Handled<PlayerState> }> {
    const actionId = options.actionId ?? randomUUID();
    const handled = await this.commands.handle(
      playerStream(playerId),
      this.runtime.deciders.player,
      { type: 'RequestAction', actionId, action },
      {
        commandId: `request-${actionId}`,
        correlationId: actionId,
        playerId,
        metadata: {
          // The process that will resolve it (see ActionProcessor's `owner`).
          ...(this.processId ? { processId: this.processId } : {}),
          ...(options.frameId === undefined ? {} : { frameId: options.frameId }),
        },
        ...(options.at ? { timestamp: options.at } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    return { actionId, handled };
  }

  async state(playerId: string): Promise<PlayerState> {
    return (await this.commands.load(playerStream(playerId), this.runtime.deciders.player)).state;
  }
}
