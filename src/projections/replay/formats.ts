import type { StoredEvent } from '../../infrastructure/event-store/event-store.ts';
import { type EventFormat, playerIdOf } from './event-query.ts';

export const CONTENT_TYPES: Record<EventFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Lines are gathered into chunks of about this many characters: one write per event is slow. */
const CHUNK_CHARS = 64 * 1024;

/** An event as JSON, with the bigints as strings (JSON numbers lose precision past 2^53). */
export function eventToJson(event: StoredEvent) {
  return {
    position: event.position.toString(),
    revision: event.revision.toString(),
    id: event.id,
    stream: event.streamId,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  };
}

/** The metadata's ids have their own columns; `metadata` keeps all of it as JSON, so nothing is lost. */
export const CSV_HEADER = [
  'position',
  'stream',
  'revision',
  'type',
  'timestamp',
  'player_id',
  'id',
  'correlation_id',
  'causation_id',
  'data',
  'metadata',
];

/** RFC 4180: a field with a comma, quote or line break is quoted, and its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export function eventToCsvRow(event: StoredEvent): string {
  return csvRow([
    event.position.toString(),
    event.streamId,
    event.revision.toString(),
    event.type,
    event.metadata?.timestamp ?? '',
    playerIdOf(event) ?? '',
    event.id,
    stringOr(event.metadata?.correlationId),
    stringOr(event.metadata?.causationId),
    JSON.stringify(event.data ?? null),
    JSON.stringify(event.metadata ?? null),
  ]);
}

function stringOr(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export async function* toJsonLines(events: AsyncIterable<StoredEvent>): AsyncGenerator<string> {
  yield* chunked(events, (event) => `${JSON.stringify(eventToJson(event))}\n`);
}

export async function* toCsv(events: AsyncIterable<StoredEvent>): AsyncGenerator<string> {
  yield* chunked(events, eventToCsvRow, csvRow(CSV_HEADER));
}

export function formatEvents(
  events: AsyncIterable<StoredEvent>,
  format: EventFormat,
): AsyncGenerator<string> {
  return format === 'csv' ? toCsv(events) : toJsonLines(events);
}

async function* chunked(
  events: AsyncIterable<StoredEvent>,
  line: (event: StoredEvent) => string,
  first = '',
): AsyncGenerator<string> {
  let chunk = first;
  for await (const event of events) {
    chunk += line(event);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
