import type { AccountEvent } from '../domain/account/account.ts';
import { usernameKey } from '../domain/account/username-skeleton.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import type { Credential, CredentialStore } from '../infrastructure/credential-store.ts';
import type { EventStore, Position } from '../infrastructure/event-store/event-store.ts';

const CHECKPOINT = 'credentials-moved-from-events';
const PAGE_SIZE = 1_000;

/**
 * At start-up: the password hashes that old `AccountRegistered` events carry go to the credential
 * store (the events stay as they are: an event log is not rewritten, and its readers drop the field).
 * A checkpoint remembers how far it got, so each start reads only the accounts registered since.
 */
export async function moveCredentialsOutOfEvents(
  store: EventStore,
  credentials: CredentialStore,
  checkpoints: CheckpointStore,
): Promise<number> {
  let after: Position | 'start' = (await checkpoints.load(CHECKPOINT)) ?? 'start';
  let moved = 0;
  for (;;) {
    const page = await store.readAll({
      after,
      maxCount: PAGE_SIZE,
      filter: { streamPrefixes: ['account-'], eventTypes: ['AccountRegistered'] },
    });
    const found: Credential[] = [];
    for (const event of page) {
      const { username, playerId, passwordHash } = event.data as AccountEvent['data'];
      if (!passwordHash) continue;
      found.push({
        playerId,
        accountKey: event.streamId,
        username,
        nameKey: usernameKey(username),
        passwordHash,
      });
    }
    await credentials.importMoved(found);
    moved += found.length;
    if (page.length === 0) return moved;
    after = page.at(-1)!.position;
    await checkpoints.save(CHECKPOINT, after);
    if (page.length < PAGE_SIZE) return moved;
  }
}
