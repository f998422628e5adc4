import { randomUUID } from 'node:crypto';
import {
  accountDecider,
  accountStream,
  checkUsername,
  USERNAME_PATTERN,
  usernameTaken,
} from '../domain/account/account.ts';
import { checkNewPassword, PASSWORD_LENGTH, utf8Length } from '../domain/account/password-policy.ts';
import { usernameKey } from '../domain/account/username-skeleton.ts';
import { DomainError } from '../domain/decider.ts';
import { playerStream } from '../domain/player/player.ts';
import type { Credential, CredentialStore } from '../infrastructure/credential-store.ts';
import type { CommandHandler } from './command-handler.ts';
import type { PasswordHasher } from './password-hashing.ts';
import type { WorldRuntime } from './world-runtime.ts';

export class AccountService {
  /** Compared against when the username is unknown, so both failures take as long. */
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly commands: CommandHandler,
    private readonly runtime: WorldRuntime,
    private readonly credentials: CredentialStore,
    private readonly hasher: PasswordHasher,
  ) {
    this.decoyHash = hasher.hash(randomUUID());
    this.decoyHash.catch(() => {});
  }

  /**
   * Registers the account and spawns its player. Everything cheap comes first (the name's form, the
   * password's, whether the name or a look-alike is taken), so a refused registration costs no hash.
   */
  async register(username: string, password: string): Promise<{ playerId: string; username: string }> {
    checkUsername(username);
    checkNewPassword(password, username);
    const accountKey = accountStream(username);
    const nameKey = usernameKey(username);
    const { state } = await this.commands.load(accountKey, accountDecider);
    if (state.registered || (await this.credentials.isNameTaken(accountKey, nameKey)))
      throw usernameTaken(username);

    const playerId = randomUUID();
    const passwordHash = await this.hasher.hash(password);
    const credential: Credential = { playerId, accountKey, username, nameKey, passwordHash };
    if (!(await this.credentials.claim(credential))) throw usernameTaken(username);
    try {
      await this.recordAccount(credential);
    } catch (error) {
      // Refused (the stream was taken after all): the claim goes. Any other failure keeps it, and the
      // first login records the account (the append may have happened without its answer arriving).
      if (error instanceof DomainError) await this.credentials.release(playerId);
      throw error;
    }
    await this.ensurePlayer(playerId, username);
    return { playerId, username };
  }

  /** Checks the password; answers the same way for an unknown user and a wrong password. */
  async login(username: string, password: string): Promise<{ playerId: string; username: string }> {
    if (typeof password !== 'string' || utf8Length(password) > PASSWORD_LENGTH.maxBytes)
      throw invalidCredentials();
    const credential =
      typeof username === 'string' && USERNAME_PATTERN.test(username)
        ? await this.credentialOf(username)
        : undefined;
    const { matches, outdated } = await this.hasher.verify(
      credential?.passwordHash ?? (await this.decoyHash),
      password,
    );
    if (!credential || !matches) throw invalidCredentials();
    if (outdated) await this.credentials.replaceHash(credential.playerId, await this.hasher.hash(password));
    // Heals an account cut short by a crash between register's steps: its event, then its player.
    await this.recordAccount(credential);
    await this.ensurePlayer(credential.playerId, credential.username);
    return { playerId: credential.playerId, username: credential.username };
  }

  private async credentialOf(username: string): Promise<Credential | undefined> {
    const accountKey = accountStream(username);
    const stored = await this.credentials.findByAccountKey(accountKey);
    if (stored) return stored;
    // Registered before credentials had their own store, by a process that has not moved it yet.
    const { state } = await this.commands.load(accountKey, accountDecider);
    if (!state.registered || !state.legacyPasswordHash) return undefined;
    const moved: Credential = {
      playerId: state.playerId,
      accountKey,
      username: state.username,
      nameKey: usernameKey(state.username),
      passwordHash: state.legacyPasswordHash,
    };
    await this.credentials.importMoved([moved]);
    return moved;
  }

  private async recordAccount({ accountKey, username, playerId }: Credential): Promise<void> {
    const { state } = await this.commands.load(accountKey, accountDecider);
    if (state.registered) return;
    await this.commands.handle(
      accountKey,
      accountDecider,
      { type: 'RegisterAccount', username, playerId },
      { commandId: `register-${playerId}`, playerId },
    );
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

function invalidCredentials(): DomainError {
  return new DomainError('invalid_credentials', 'wrong username or password');
}
