import { type Kysely, sql } from 'kysely';

export interface Credential {
  playerId: string;
  /** The account stream's key: the lower-cased username. */
  accountKey: string;
  username: string;
  /** The confusable skeleton (usernameKey): look-alike names share it. */
  nameKey: string;
  passwordHash: string;
}

/** Password hashes in their own table (migrations/0006_credentials.ts), never in the event log. */
export class CredentialStore {
  constructor(private readonly db: Kysely<unknown>) {}

  async findByAccountKey(accountKey: string): Promise<Credential | undefined> {
    const { rows } = await sql<Row>`
      select ${sql.raw(COLUMNS)} from credentials where account_key = ${accountKey}`.execute(this.db);
    return rows[0] && fromRow(rows[0]);
  }

  /** Whether an account has this name, or one that looks like it. */
  async isNameTaken(accountKey: string, nameKey: string): Promise<boolean> {
    const { rows } = await sql`
      select 1 from credentials where account_key = ${accountKey} or name_key = ${nameKey} limit 1`.execute(
      this.db,
    );
    return rows.length > 0;
  }

  /** Claims the name for a new account; false when it (or a look-alike) was claimed first. */
  async claim(credential: Credential): Promise<boolean> {
    const { rows } = await sql`
      insert into credentials (player_id, account_key, username, name_key, password_hash)
      values (${credential.playerId}, ${credential.accountKey}, ${credential.username},
              ${credential.nameKey}, ${credential.passwordHash})
      on conflict do nothing
      returning player_id`.execute(this.db);
    return rows.length > 0;
  }

  /** Gives a claim up (the account's registration was refused after all). */
  async release(playerId: string): Promise<void> {
    await sql`delete from credentials where player_id = ${playerId}`.execute(this.db);
  }

  /** Takes credentials from events recorded before this store existed; the ones already here stay. */
  async importMoved(credentials: readonly Credential[]): Promise<void> {
    for (const credential of credentials) {
      await sql`
        insert into credentials (player_id, account_key, username, name_key, password_hash, moved)
        values (${credential.playerId}, ${credential.accountKey}, ${credential.username},
                ${credential.nameKey}, ${credential.passwordHash}, true)
        on conflict do nothing`.execute(this.db);
    }
  }

  async replaceHash(playerId: string, passwordHash: string): Promise<void> {
    await sql`
      update credentials set password_hash = ${passwordHash}, updated_at = now()
      where player_id = ${playerId}`.execute(this.db);
  }
}

interface Row {
  player_id: string;
  account_key: string;
  username: string;
  name_key: string;
  password_hash: string;
}

const COLUMNS = 'player_id, account_key, username, name_key, password_hash';

const fromRow = (row: Row): Credential => ({
  playerId: row.player_id,
  accountKey: row.account_key,
  username: row.username,
  nameKey: row.name_key,
  passwordHash: row.password_hash,
});
