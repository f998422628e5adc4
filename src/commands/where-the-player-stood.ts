import type { PlayerEvent } from '../domain/player/player.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';

/** Events read per page while walking a player's stream back. */
const STREAM_PAGE = 100;

/**
 * Where a player's stream last put its player, reading back from `fromRevision` (inclusive): the
 * latest move's destination, spawn or respawn; undefined when there is none at or before it.
 */
export async function whereThePlayerStood(
  store: Pick<EventStore, 'readStream'>,
  streamId: string,
  fromRevision: bigint,
): Promise<string | undefined> {
  let from = fromRevision;
  while (from >= 0n) {
    const page = await store.readStream(streamId, {
      direction: 'backwards',
      fromRevision: from,
      maxCount: STREAM_PAGE,
    });
    for (const stored of page) {
      const earlier = stored as unknown as PlayerEvent;
      if (earlier.type === 'PlayerMoved') return earlier.data.to;
      if (earlier.type === 'PlayerSpawned' || earlier.type === 'PlayerRespawned')
        return earlier.data.locationId;
    }
    if (page.length < STREAM_PAGE) return undefined;
    from = page[page.length - 1]!.revision - 1n;
  }
  return undefined;
}
