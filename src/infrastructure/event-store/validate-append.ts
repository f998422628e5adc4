import { InvalidAppendError, type NewEvent } from './event-store.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks shared by every adapter, so that they refuse the same bad appends with the same error. */
export function validateAppend(streamId: string, events: readonly NewEvent[], maxBatch: number): void {
  if (streamId.length === 0 || streamId.length > 200) {
    throw new InvalidAppendError('stream id must be 1-200 characters');
  }
  if (events.length === 0) throw new InvalidAppendError('an append needs at least one event');
  if (events.length > maxBatch) throw new InvalidAppendError(`an append holds at most ${maxBatch} events`);
  const seen = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.id))
      throw new InvalidAppendError(`event id ${JSON.stringify(event.id)} is not a UUID`);
    if (seen.has(event.id)) throw new InvalidAppendError(`event id ${event.id} appears twice in one append`);
    seen.add(event.id);
    if (!event.type) throw new InvalidAppendError('every event needs a type');
  }
}
