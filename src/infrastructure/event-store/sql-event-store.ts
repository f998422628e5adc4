import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { limits } from '../../limits.ts';
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
import { type AppendOutcome, GroupCommit, type QueuedAppend } from './group-commit.ts';
import { LiveTail } from './live-tail.ts';
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
  /** How often the live tail looks for events appended by other processes. */
  pollIntervalMs?: number;
  /** Each group-commit batch written: its time and event count (the composition root feeds metrics). */
  onBatchAppended?: (seconds: number, events: number) => void;
}

const MAX_EVENTS_PER_APPEND = 10_000;
/** Batches written at once on a PostgreSQL server (each on a connection of its own). */
const APPEND_BATCHES_IN_FLIGHT = 3;
const APPEND_BATCH_SQL =
  'select idx, status, next_revision, last_position from langomni_append_batch($1::jsonb)';

/**
 * The event store on PostgreSQL's SQL, shared by the PostgreSQL server and PGlite adapters.
 *
 * Writes go through a group commit (many appends, one statement, one transaction); positions are
 * dense and in commit order (migration 0004), so readers need no horizon and nothing another
 * session does on the server can stall them. Live subscribers share one tail per process.
 */
export class SqlEventStore implements EventStore {
  readonly name: string;
  private readonly pageSize: number;
  private readonly db: Kysely<EventStoreTables>;
  private readonly pool: pg.Pool;
  private readonly kind: Database<EventStoreTables>['kind'];
  private readonly groupCommit: GroupCommit;
  private readonly tail: LiveTail;
  /** PostgreSQL server: connections kept for appends (one per batch in flight), the append timeout set on each. */
  private readonly idleAppendClients: pg.PoolClient[] = [];
  private readonly appendClients = new Set<pg.PoolClient>();

  constructor(
    database: Pick<Database<EventStoreTables>, 'db' | 'pool' | 'kind'>,
    options: SqlEventStoreOptions,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {
    this.db = database.db;
    this.pool = database.pool;
    this.kind = database.kind;
    this.name = options.name;
    this.pageSize = options.pageSize ?? 1000;
    this.groupCommit = new GroupCommit({
      send: (batch) => this.sendBatch(batch),
      // PGlite has one session: its batches take turns anyway.
      maxInFlight: database.kind === 'postgres' ? APPEND_BATCHES_IN_FLIGHT : 1,
      // 22xxx: bad data in one append (e.g. a string jsonb refuses); 23xxx: a constraint it broke.
      isolatable: (error) => /^2[23]/.test(String((error as { code?: unknown }).code ?? '')),
      ...(options.onBatchAppended ? { onBatchAppended: options.onBatchAppended } : {}),
    });
    this.tail = new LiveTail({
      readPage: (after, limit, filter) => this.readPage(after, limit, filter),
      headPosition: () => this.headPosition(),
      pageSize: this.pageSize,
      pollIntervalMs: options.pollIntervalMs ?? 200,
    });
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
    const outcome = await this.groupCommit.append({ streamId, expected, events }, options.signal);
    switch (outcome.status) {
      case 'conflict':
        throw new WrongExpectedRevisionError(streamId, options.expectedRevision, outcome.actualRevision);
      case 'partial':
        throw new PartialDuplicateAppendError(streamId);
      default:
        return {
          nextExpectedRevision: outcome.nextRevision,
          position: outcome.lastPosition,
          alreadyAppended: outcome.status === 'duplicate',
        };
    }
  }

  private async sendBatch(batch: readonly QueuedAppend[]): Promise<AppendOutcome[]> {
    const payload = JSON.stringify(
      batch.map((append) => ({
        s: append.streamId,
        x: append.expected,
        e: append.events.map((e) => ({ id: e.id, type: e.type, d: e.data ?? null, m: e.metadata })),
      })),
    );
    const rows = await this.runBatch(payload);
    const outcomes = rows.map((row): AppendOutcome => {
      switch (row.status) {
        case 'conflict':
          return { status: 'conflict', actualRevision: BigInt(row.next_revision!) };
        case 'partial':
          return { status: 'partial' };
        default:
          return {
            status: row.status as 'appended' | 'duplicate',
            nextRevision: BigInt(row.next_revision!),
            lastPosition: BigInt(row.last_position!),
          };
      }
    });
    this.tail.committed(committedEvents(batch, outcomes));
    return outcomes;
  }

  private async runBatch(payload: string): Promise<BatchRow[]> {
    if (this.kind !== 'postgres') {
      const client = await this.pool.connect();
      try {
        return (await client.query<BatchRow>(APPEND_BATCH_SQL, [payload])).rows;
      } finally {
        client.release();
      }
    }
    const client = await this.connectForAppends();
    let broken: unknown;
    try {
      // Prepared by name: planned once per connection instead of once per batch.
      return (
        await client.query<BatchRow>({
          name: 'langomni_append_batch',
          text: APPEND_BATCH_SQL,
          values: [payload],
        })
      ).rows;
    } catch (error) {
      // A broken connection is replaced; a statement error (timeout, bad data) leaves it usable.
      if ((error as { code?: string }).code === undefined) broken = error;
      throw error;
    } finally {
      if (broken) this.dropAppendClient(client, broken);
      else if (this.appendClients.has(client)) this.idleAppendClients.push(client);
    }
  }

  private async connectForAppends(): Promise<pg.PoolClient> {
    const idle = this.idleAppendClients.pop();
    if (idle) return idle;
    const client = await this.pool.connect();
    client.on('error', (error) => this.dropAppendClient(client, error));
    try {
      // The server gives up on an append that cannot finish in time (a locked table, a stalled disk):
      // it is rolled back whole, so the caller knows it was not recorded.
      await client.query(`set statement_timeout = ${limits.appendTimeoutMs}`);
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw error;
    }
    this.appendClients.add(client);
    return client;
  }

  private dropAppendClient(client: pg.PoolClient, error: unknown): void {
    if (!this.appendClients.delete(client)) return;
    const index = this.idleAppendClients.indexOf(client);
    if (index >= 0) this.idleAppendClients.splice(index, 1);
    client.release(error instanceof Error ? error : true);
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
    return this.tail.subscribe(async () => {
      if (options.after === 'end') return this.headPosition();
      return options.after === undefined || options.after === 'start' ? -1n : options.after;
    }, options.filter);
  }

  async countEvents(filter?: AllFilter, after?: Position): Promise<number> {
    if (filter?.eventTypes?.length === 0 || filter?.streamPrefixes?.length === 0) return 0;
    let query = this.db.selectFrom('events').select((eb) => eb.fn.countAll<string>().as('count'));
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
      .executeTakeFirst();
    return row?.head == null ? 0n : BigInt(row.head);
  }

  async close(): Promise<void> {
    this.tail.close();
    for (const client of this.appendClients) client.release();
    this.appendClients.clear();
    this.idleAppendClients.length = 0;
    await this.onClose();
  }

  private async readPage(after: Position, limit: number, filter?: AllFilter): Promise<StoredEvent[]> {
    let query = this.db.selectFrom('events').selectAll().where('position', '>', after.toString());
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

interface BatchRow {
  idx: number;
  status: string;
  next_revision: string | null;
  last_position: string | null;
}

/** The events a batch wrote, as subscribers will see them, in position order. */
function committedEvents(batch: readonly QueuedAppend[], outcomes: readonly AppendOutcome[]): StoredEvent[] {
  const events: StoredEvent[] = [];
  batch.forEach((append, index) => {
    const outcome = outcomes[index]!;
    if (outcome.status !== 'appended') return;
    const count = BigInt(append.events.length);
    append.events.forEach((event, k) => {
      events.push({
        id: event.id,
        type: event.type,
        data: event.data ?? null,
        metadata: event.metadata,
        streamId: append.streamId,
        revision: outcome.nextRevision - count + 1n + BigInt(k),
        position: outcome.lastPosition - count + 1n + BigInt(k),
      });
    });
  });
  return events.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
}
