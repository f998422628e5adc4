import { z } from 'zod';
import { accountStream, USERNAME_PATTERN } from '../../domain/account/account.ts';
import type {
  AllFilter,
  EventStore,
  Position,
  StoredEvent,
} from '../../infrastructure/event-store/event-store.ts';

/**
 * Which events an analyst wants, in global order. Ranges: `from` inclusive and `to` exclusive
 * (metadata.timestamp), `after` exclusive and `until` inclusive (positions).
 */
export interface EventQuery {
  /** One stream, exactly. */
  stream?: string;
  /** Stream categories: the part of a stream id before its first '-' ('player' → 'player-…'). */
  category?: string | readonly string[];
  types?: readonly string[];
  /** metadata.playerId or data.playerId. */
  playerId?: string;
  /** A player id or a username (resolved through its account stream); filters as `playerId` does. */
  player?: string;
  from?: Date;
  to?: Date;
  after?: Position;
  until?: Position;
  limit?: number;
}

export const REPLAY_PAGE_SIZE = 1000;

/** Pages through readAll, filtering on the server what the port can filter and the rest here. */
export async function* queryEvents(
  store: EventStore,
  query: EventQuery,
  pageSize = REPLAY_PAGE_SIZE,
): AsyncGenerator<StoredEvent> {
  if (query.player !== undefined) {
    const { player, ...rest } = query;
    query = { ...rest, playerId: await resolvePlayerId(store, player) };
  }
  const filter = serverFilter(query);
  const matches = localFilter(query);
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  if (limit <= 0) return;
  let after: Position | 'start' = query.after ?? 'start';
  let yielded = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: pageSize, ...(filter ? { filter } : {}) });
    for (const event of page) {
      if (query.until !== undefined && event.position > query.until) return;
      if (!matches(event)) continue;
      yield withoutCredentials(event);
      if (++yielded >= limit) return;
    }
    if (page.length < pageSize) return;
    after = page.at(-1)!.position;
  }
}

function serverFilter(query: EventQuery): AllFilter | undefined {
  const categories = query.category === undefined ? [] : [query.category].flat();
  const streamPrefixes =
    query.stream !== undefined ? [query.stream] : categories.map((category) => `${category}-`);
  const filter: AllFilter = {
    ...(query.stream !== undefined || categories.length > 0 ? { streamPrefixes } : {}),
    ...(query.types ? { eventTypes: query.types } : {}),
  };
  return Object.keys(filter).length > 0 ? filter : undefined;
}

function localFilter(query: EventQuery): (event: StoredEvent) => boolean {
  const prefixes = query.category === undefined ? undefined : [query.category].flat().map((c) => `${c}-`);
  return (event) => {
    // The stream filter on the server is a prefix: 'player-1' would also let 'player-12' through.
    if (query.stream !== undefined && event.streamId !== query.stream) return false;
    if (prefixes && !prefixes.some((prefix) => event.streamId.startsWith(prefix))) return false;
    if (query.playerId !== undefined && playerIdOf(event) !== query.playerId) return false;
    if (query.from || query.to) {
      const time = Date.parse(event.metadata?.timestamp ?? '');
      if (Number.isNaN(time)) return false;
      if (query.from && time < query.from.getTime()) return false;
      if (query.to && time >= query.to.getTime()) return false;
    }
    return true;
  };
}

/**
 * Events recorded before credentials had their own store carry the password hash in
 * `AccountRegistered`; whoever reads the log (admin endpoint, exports, replay, time travel) gets
 * the event without it.
 */
export function withoutCredentials(event: StoredEvent): StoredEvent {
  if (event.type !== 'AccountRegistered') return event;
  const data = event.data as Record<string, unknown> | null;
  if (data === null || typeof data !== 'object' || !('passwordHash' in data)) return event;
  const { passwordHash: _dropped, ...rest } = data;
  return { ...event, data: rest };
}

/**
 * A username's player id, from its account stream (usernames are case-insensitive); anything that
 * is no registered username is taken as a player id. Player ids are UUIDs, which no username can be.
 */
export async function resolvePlayerId(store: EventStore, player: string): Promise<string> {
  if (!USERNAME_PATTERN.test(player)) return player;
  const events = await store.readStream(accountStream(player), { maxCount: 1 });
  const registered = events.find((event) => event.type === 'AccountRegistered');
  const playerId = (registered?.data as { playerId?: unknown } | undefined)?.playerId;
  return typeof playerId === 'string' ? playerId : player;
}

/** The player an event is about: the producer's metadata, else the event's own data. */
export function playerIdOf(event: StoredEvent): string | undefined {
  const fromMetadata = event.metadata?.playerId;
  if (typeof fromMetadata === 'string') return fromMetadata;
  const fromData = (event.data as { playerId?: unknown } | null)?.playerId;
  return typeof fromData === 'string' ? fromData : undefined;
}

// Parsing the same query from HTTP query strings and CLI flags (values are strings, maybe repeated).

const one = (name: string) =>
  z.union([z.string(), z.array(z.string())]).transform((value, context) => {
    if (typeof value === 'string') return value;
    if (value.length === 1) return value[0]!;
    context.addIssue({ code: 'custom', message: `give ${name} once` });
    return z.NEVER;
  });

/** Repeated and/or comma-separated: `type=A&type=B` or `type=A,B`. */
const list = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    [value]
      .flat()
      .flatMap((part) => part.split(','))
      .map((part) => part.trim())
      .filter((part) => part !== ''),
  )
  .pipe(z.array(z.string()).min(1, 'give at least one value'));

export const positionParam = one('a position').pipe(
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'not a position: use a whole number ≥ 0, as in the events’ "position"')
    .transform((value) => BigInt(value)),
);

export const dateParam = one('a date').pipe(
  z
    .string()
    .trim()
    .refine((value) => value !== '' && !Number.isNaN(Date.parse(value)), {
      message: 'not a date: use ISO 8601, e.g. 2026-11-25 or 2026-11-25T18:00:00Z',
    })
    .transform((value) => new Date(value)),
);

export const EVENT_FORMATS = ['jsonl', 'csv'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

export const eventQuerySchema = z
  .strictObject({
    stream: one('stream').pipe(z.string().min(1, 'must not be empty')).optional(),
    category: list.optional(),
    type: list.optional(),
    player: one('player').pipe(z.string().min(1, 'must not be empty')).optional(),
    from: dateParam.optional(),
    to: dateParam.optional(),
    after: positionParam.optional(),
    until: positionParam.optional(),
    limit: one('limit')
      .pipe(
        z
          .string()
          .trim()
          .regex(/^[1-9]\d*$/, 'not a limit: use a whole number ≥ 1'),
      )
      .transform(Number)
      .optional(),
    format: one('format')
      .pipe(z.enum(EVENT_FORMATS, { error: 'unknown format: use jsonl or csv' }))
      .default('jsonl'),
  })
  .transform(({ type, player, ...rest }): EventQuery & { format: EventFormat } => ({
    ...rest,
    ...(type ? { types: type } : {}),
    ...(player !== undefined ? { player } : {}),
  }));

export type ParsedEventQuery = z.output<typeof eventQuerySchema>;

/** The problems in one line, each naming its parameter (`from: not a date: …`, or `--from: …` for flags). */
export function describeQueryError(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys')
        return `unknown parameter: ${issue.keys.map((key) => `${prefix}${key}`).join(', ')}`;
      return issue.path.length > 0 ? `${prefix}${issue.path.join('.')}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
