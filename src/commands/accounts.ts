import { randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { accountDecider, accountStream } from '../domain/account/account.ts';
import { DomainError } from '../domain/decider.ts';
import { playerStream } from '../domain/player/player.ts';
import type { CommandHandler } from './command-handler.ts';
import type { WorldRuntime } from './world-runtime.ts';

export const PASSWORD_LENGTH = { min: 8, max: 128 } as const;

export class AccountService {
  /** Compared against when the username is unknown, so both failures take as long. */
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly commands: CommandHandler,
    private readonly runtime: WorldRuntime,
    private readonly bcryptRounds: number,
  ) {
    this.decoyHash = bcrypt.hash(randomUUID(), bcryptRounds);
  }

  /** Registers the account (usernames are unique, case-insensitively) and spawns its player. */
  async register(username: string, password: string): Promise<{ playerId: string; username: string }> {
    checkPassword(password);
    const playerId = randomUUID();
    const passwordHash = await bcrypt.hash(password, this.bcryptRounds);
    const commandId = `register-${playerId}`;
    await this.commands.handle(
      accountStream(username),
      accountDecider,
      { type: 'RegisterAccount', username, playerId, passwordHash },
      { commandId, playerId },
    );
    await this.ensurePlayer(playerId, username);
    return { playerId, username };
  }

  /** Checks the password; answers the same way for an unknown user and a wrong password. */
  async login(username: string, password: string): Promise<{ playerId: string; username: string }> {
    if (typeof password !== 'string' || password.length > PASSWORD_LENGTH.max) throw invalidCredentials();
    const { state } = await this.commands.load(accountStream(username), accountDecider);
    const matches = await bcrypt.compare(
      password,
      state.registered ? state.passwordHash : await this.decoyHash,
    );
    if (!state.registered || !matches) throw invalidCredentials();
    // Heals an account whose player was not created (a crash between the two appends of register).
    await this.ensurePlayer(state.playerId, state.username);
    return { playerId: state.playerId, username: state.username };
  }

  private async ensurePlayer(playerId: string, username: string): Promise<void> {
    await this.commands.handle(
      playerStream(playerId),
      this.runtime.deciders.player,
      { type: 'RegisterPlayer', playerId, username },
      { commandId: `spawn-${playerId}`, playerId },
    );
  }
}

function checkPassword(password: string): void {
  if (
    typeof password !== 'string' ||
    password.length < PASSWORD_LENGTH.min ||
    password.length > PASSWORD_LENGTH.max
  ) {
    throw new DomainError(
      'invalid_password',
      `a password is ${PASSWORD_LENGTH.min}-${PASSWORD_LENGTH.max} characters long`,
    );
  }
}

function invalidCredentials(): DomainError {
  return new DomainError('invalid_credentials', 'wrong username or password');
}
