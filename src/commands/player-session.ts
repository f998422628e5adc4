import { randomUUID } from 'node:crypto';
import type { Action } from '../domain/actions.ts';
import { type PlayerState, playerDecider, playerStream } from '../domain/player/player.ts';
import type { World } from '../domain/world/world.ts';
import type { CommandHandler } from './command-handler.ts';

/** The commands a connected player sends: entering and leaving the world, and requesting actions. */
export class PlayerSessions {
  private readonly players;

  constructor(
    private readonly commands: CommandHandler,
    world: World,
  ) {
    this.players = playerDecider(world);
  }

  async enter(playerId: string, sessionId: string): Promise<PlayerState> {
    const { state } = await this.commands.handle(
      playerStream(playerId),
      this.players,
      { type: 'EnterWorld', sessionId },
      { commandId: `enter-${sessionId}`, playerId },
    );
    return state;
  }

  async leave(playerId: string, sessionId: string): Promise<void> {
    await this.commands.handle(
      playerStream(playerId),
      this.players,
      { type: 'LeaveWorld', sessionId },
      { commandId: `leave-${sessionId}`, playerId },
    );
  }

  /** Appends `ActionRequested`; its id is the correlation id of every outcome event. */
  async requestAction(playerId: string, action: Action): Promise<string> {
    const actionId = randomUUID();
    await this.commands.handle(
      playerStream(playerId),
      this.players,
      { type: 'RequestAction', actionId, action },
      { commandId: `request-${actionId}`, correlationId: actionId, playerId },
    );
    return actionId;
  }

  async state(playerId: string): Promise<PlayerState> {
    return (await this.commands.load(playerStream(playerId), this.players)).state;
  }
}
