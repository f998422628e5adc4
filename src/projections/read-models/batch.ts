import { type RawBuilder, sql } from 'kysely';
import type { ContentEvent } from '../../domain/world/content-decider.ts';
import type { WorldContent } from '../../domain/world/world-schema.ts';
import type { StoredEvent } from '../../infrastructure/event-store/event-store.ts';

/** A batch's rows as one jsonb parameter, to be read with `jsonb_to_recordset`: one statement per batch. */
export const recordset = (rows: readonly object[]): RawBuilder<unknown> =>
  sql`${JSON.stringify(rows)}::jsonb`;

export interface LoadedContent {
  content: WorldContent;
  version: string;
  at: string;
}

/** Tables replaced per content version only need the newest version a batch holds. */
export function lastContentLoaded(events: readonly StoredEvent[]): LoadedContent | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const stored = events[i]!;
    if (stored.type !== 'WorldContentLoaded') continue;
    const { content, version } = (stored as unknown as ContentEvent).data;
    return { content, version, at: stored.metadata.timestamp };
  }
  return undefined;
}
