import {
  type AllStreamResolvedEvent,
  eventTypeFilter,
  excludeSystemEvents,
  type Filter,
  type ReadPosition,
  type ResolvedEvent,
  START,
  streamNameFilter,
} from '@eventstore/db-client';
import {
  type AllFilter,
  type EventMetadata,
  matchesFilter,
  type Position,
  type StoredEvent,
} from './event-store.ts';

/** Positions below 0 mean "before everything"; the server would read (-1, -1) as the end of $all. */
export function readPosition(after: Position): ReadPosition {
  return after < 0n ? START : { commit: after, prepare: after };
}

/** The client filters on one thing server-side; the rest (and exact type matches) is done in memory. */
export function serverFilter(filter: AllFilter | undefined): Filter {
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter?.eventTypes?.length) return eventTypeFilter({ prefixes: [...filter.eventTypes] });
  return excludeSystemEvents();
}

export function isSystemEvent(event: StoredEvent): boolean {
  return event.type.startsWith('$');
}

export function isVisible(event: StoredEvent, filter: AllFilter | undefined): boolean {
  return !isSystemEvent(event) && matchesFilter(event, filter);
}

export function toStoredEvent({
  event,
  commitPosition,
}: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
  if (!event) return undefined;
  const position = event.position?.commit ?? commitPosition;
  if (position === undefined) {
    throw new Error(
      `EventStoreDB sent ${event.streamId}@${event.revision} without a position (server < 22.6?)`,
    );
  }
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: toMetadata(event.metadata, event.created),
    streamId: event.streamId,
    revision: event.revision,
    position,
  };
}

/** Metadata that is not a JSON object (binary, absent, a bare value) becomes just the created time. */
function toMetadata(metadata: unknown, created: Date): EventMetadata {
  const timestamp = created.toISOString();
  const isObject =
    typeof metadata === 'object' &&
    metadata !== null &&
    !Array.isArray(metadata) &&
    !(metadata instanceof Uint8Array);
  return isObject ? { timestamp, ...(metadata as Record<string, unknown>) } : { timestamp };
}
