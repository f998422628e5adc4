import { EventEmitter } from 'node:events';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import type { Database } from '../database.ts';
import {
  type AllFilter,
  type AppendOptions,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type NewEvent,
  PartialDuplicateAppendError,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  WrongExpectedRevisionError,
} from './event-store.ts';
import { pollingSubscription } from './polling-subscription.ts';
import { validateAppend } from './validate-append.ts';

export interface EventStoreTables {
  events: {
    position: string;
    stream_id: string;
    revision: string;
    event_id: string;
    event_type: string;
    data: unknown;
    metadata: EventMetadata;
    recorded_at: Date;
  };
  event_streams: { stream_id: string; revision: string };
}

export interface SqlEventStoreOptions {
  name: string;
  pageSize?: number;
  /** How often a live subscriber looks for events appended by other processes. */
  pollIntervalMs?: number;
}

const MAX_EVENTS_PER_APPEND = 10_000;
/** Events visible to readers: those of transactions older than every running one (see migration 0001). */
const HORIZON = sql<string>`(pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20)`;

/** The event store on PostgreSQL's SQL, shared by the PostgreSQL server and PGlite adapters. */
export class SqlEventStore implements EventStore {
  readonly name: string;
  private readonly appended = new EventEmitter();
  private readonly pageSize: number;
  private readonly pollIntervalMs: number;

  private readonly db: Kysely<EventStoreTables>;
  private readonly pool: pg.Pool;
  private readonly statementName: string | undefined;

  constructor(
    database: Pick<Database<EventStoreTables>, 'db' | 'pool' | 'kind'>,
    options: SqlEventStoreOptions,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    this.db = database.db;
    this.pool = database.pool;
    // PGlite's node-postgres bridge loses its way after an error in a named statement.
    this.statementName = database.kind === 'postgres' ? 'langomni_append' : undefined;
    this.name = options.name;
    this.pageSize = options.pageSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    this.appended.setMaxListeners(0);
  }

  async appendToStream(
    streamId: string,
    events: readonly NewEvent[],
    options: AppendOptions,
  ): Promise<AppendResult> {
    validateAppend(streamId, events, MAX_EVENTS_PER_APPEND);
    const expected =
      typeof options.expectedRevision === 'bigint'
        ? options.expectedRevision.toString()
        : options.expectedRevision;
    const payload = JSON.stringify(
      events.map((e) => ({ id: e.id, type: e.type, data: e.data ?? null, metadata: e.metadata })),
    );
    try {
      // Prepared by name: PostgreSQL plans the call once per connection instead of once per append.
      const { rows } = await this.query<{
        next_revision: string;
        last_position: string;
        was_duplicate: boolean;
      }>({
        ...(this.statementName ? { name: this.statementName } : {}),
        text: 'select * from langomni_append($1, $2, $3::jsonb)',
        values: [streamId, expected, payload],
      });
      const row = rows[0]!;
      if (!row.was_duplicate) this.appended.emit('appended');
      return {
        nextExpectedRevision: BigInt(row.next_revision),
        position: BigInt(row.last_position),
        alreadyAppended: row.was_duplicate,
      };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'LO409') {
        const actual = BigInt((error as { detail?: string }).detail ?? '-1');
        throw new WrongExpectedRevisionError(streamId, options.expectedRevision, actual);
      }
      if (code === 'LO422') throw new PartialDuplicateAppendError(streamId);
      // The fast path (exact revision) skips the duplicate check; the unique index catches it instead.
      if (code === '23505' && (error as { constraint?: string }).constraint === 'events_stream_event_id') {
        return this.duplicateAppend(streamId, events);
      }
      throw error;
    }
  }

  /**
   * A query on a pooled client that goes back to the pool after a server-side error (pool.query would
   * discard it, and PGlite's single connection cannot be replaced).
   */
  private async query<Row extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<Row>> {
    const client = await this.pool.connect();
    try {
      return await client.query<Row>(config);
    } finally {
      client.release();
    }
  }

  private async duplicateAppend(streamId: string, events: readonly NewEvent[]): Promise<AppendResult> {
    const { rows } = await this.query<{ found: number; revision: string; position: string }>({
      text: 'select count(*)::int as found, max(revision) as revision, max(position) as position from events where stream_id = $1 and event_id = any($2::uuid[])',
      values: [streamId, events.map((e) => e.id)],
    });
    const row = rows[0]!;
    if (row.found !== events.length) throw new PartialDuplicateAppendError(streamId);
    return {
      nextExpectedRevision: BigInt(row.revision),
      position: BigInt(row.position),
      alreadyAppended: true,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    let query = this.db.selectFrom('events').selectAll().where('stream_id', '=', streamId);
    if (options.fromRevision !== undefined) {
      query = query.where('revision', backwards ? '<=' : '>=', options.fromRevision.toString());
    }
    query = query.orderBy('revision', backwards ? 'desc' : 'asc');
    if (options.maxCount !== undefined) query = query.limit(options.maxCount);
    return (await query.execute()).map(toStoredEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const after = options.after === undefined || options.after === 'start' ? -1n : options.after;
    return this.readPage(after, options.maxCount ?? this.pageSize, options.filter);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const { filter } = options;
    return pollingSubscription(
      {
        readPage: (after) => this.readPage(after, this.pageSize, filter),
        onPossiblyNewEvents: (listener) => {
          this.appended.on('appended', listener);
          return () => this.appended.off('appended', listener);
        },
        pageSize: this.pageSize,
        pollIntervalMs: this.pollIntervalMs,
      },
      async () => {
        if (options.after === 'end') return this.headPosition();
        return options.after === undefined || options.after === 'start' ? -1n : options.after;
      },
    );
  }

  async countEvents(filter?: AllFilter, after?: Position): Promise<number> {
    if (filter?.eventTypes?.length === 0 || filter?.streamPrefixes?.length === 0) return 0;
    let query = this.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('position', '<', HORIZON);
    if (after !== undefined) query = query.where('position', '>', after.toString());
    if (filter?.eventTypes) query = query.where('event_type', 'in', [...filter.eventTypes]);
    if (filter?.streamPrefixes) {
      const prefixes = filter.streamPrefixes;
      query = query.where((eb) =>
        eb.or(prefixes.map((p) => eb(sql`starts_with(stream_id, ${p})`, '=', true))),
      );
    }
    return Number((await query.executeTakeFirst())?.count ?? 0);
  }

  async headPosition(): Promise<Position> {
    const row = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('position').as('head'))
      .where('position', '<', HORIZON)
      .executeTakeFirst();
    return row?.head == null ? 0n : BigInt(row.head);
  }

  async close(): Promise<void> {
    this.appended.emit('appended');
    this.appended.removeAllListeners();
    await this.onClose();
  }

  private async readPage(after: Position, limit: number, filter?: AllFilter): Promise<StoredEvent[]> {
    let query = this.db
      .selectFrom('events')
      .selectAll()
      .where('position', '>', after.toString())
      .where('position', '<', HORIZON);
    if (filter?.eventTypes) {
      if (filter.eventTypes.length === 0) return [];
      query = query.where('event_type', 'in', [...filter.eventTypes]);
    }
    if (filter?.streamPrefixes) {
      const prefixes = filter.streamPrefixes;
      if (prefixes.length === 0) return [];
      query = query.where((eb) =>
        eb.or(prefixes.map((p) => eb(sql`starts_with(stream_id, ${p})`, '=', true))),
      );
    }
    const rows = await query.orderBy('position').limit(limit).execute();
    return rows.map(toStoredEvent);
  }
}

function toStoredEvent(row: EventStoreTables['events']): StoredEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: BigInt(row.position),
  };
}
