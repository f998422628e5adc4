import { randomUUID } from 'node:crypto';
import type { Action } from '../domain/actions.ts';
import { type PlayerState, playerStream } from '../domain/player/player.ts';
import type { CommandHandler } from './command-handler.ts';
import type { WorldRuntime } from './world-runtime.ts';

/** The commands a connected player sends: entering and leaving the world, and requesting actions. */
export class PlayerSessions {
  constructor(
    private readonly commands: CommandHandler,
    private readonly runtime: WorldRuntime,
  ) {}

  async enter(playerId: string, sessionId: string): Promise<PlayerState> {
    const { state } = await this.commands.handle(
      playerStream(playerId),
      this.runtime.deciders.player,
      { type: 'EnterWorld', sessionId },
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

  /** Appends `ActionRequested`; its id is the correlation id of every outcome event. */
  async requestAction(playerId: string, action: Action): Promise<string> {
    const actionId = randomUUID();
    await this.commands.handle(
      playerStream(playerId),
      this.runtime.deciders.player,
      { type: 'RequestAction', actionId, action },
      { commandId: `request-${actionId}`, correlationId: actionId, playerId },
    );
    return actionId;
  }

  async state(playerId: string): Promise<PlayerState> {
    return (await this.commands.load(playerStream(playerId), this.runtime.deciders.player)).state;
  }
}
