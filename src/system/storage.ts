import { join } from 'node:path';
import type { Config } from '../config.ts';
import { type Database, type DatabaseTarget, openDatabase } from '../infrastructure/database.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
import { type EventStoreTables, SqlEventStore } from '../infrastructure/event-store/sql-event-store.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { Metrics } from '../infrastructure/metrics.ts';
import type { Closers } from './closers.ts';

/** Embedded subscribers are woken by every append; polling is only a safety net there. */
const EMBEDDED_POLL_INTERVAL_MS = 1_000;

export type Storage = Awaited<ReturnType<typeof openStorage>>;

/**
 * The database (PostgreSQL when DATABASE_URL is set, else embedded PGlite), the event store
 * (EventStoreDB when EVENTSTORE_URL is set, else on the database) and Redis when REDIS_URL is set.
 */
export async function openStorage(
  config: Config,
  logger: Logger,
  metrics: Metrics,
  closers: Closers,
  onFatal: ((error: Error) => void) | undefined,
) {
  const target: DatabaseTarget = config.DATABASE_URL
    ? {
        kind: 'postgres',
        url: config.DATABASE_URL,
        poolSize: config.DATABASE_POOL_SIZE,
        ...(config.DATABASE_SCHEMA ? { schema: config.DATABASE_SCHEMA } : {}),
      }
    : {
        kind: 'pglite',
        dataDir: join(config.DATA_DIR, 'pglite'),
        ownThread: true,
        onEngineLost: (error) =>
          onFatal
            ? onFatal(error)
            : logger.fatal({ err: error }, 'the embedded database has stopped: every action will fail'),
      };
  const database: Database<EventStoreTables> = await openDatabase(target);
  closers.push(() => database.close());
  metrics.watchPool(database.pool);

  const store: EventStore = config.EVENTSTORE_URL
    ? await (await import('../infrastructure/event-store/eventstoredb-event-store.ts')).openEventStoreDb(
        config.EVENTSTORE_URL,
      )
    : new SqlEventStore(database, {
        name: target.kind,
        // Polling finds other processes' appends. PGlite has no other process (and, with one
        // connection, no transaction can hold the horizon back): every append wakes the subscribers.
        pollIntervalMs: target.kind === 'pglite' ? EMBEDDED_POLL_INTERVAL_MS : config.EVENT_POLL_INTERVAL_MS,
        onBatchAppended: (seconds, events) => {
          metrics.eventAppend.observe(seconds);
          metrics.eventsAppended.inc(events);
        },
      });
  closers.push(() => store.close());

  const redis = config.REDIS_URL
    ? new (await import('ioredis')).Redis(config.REDIS_URL, {
        lazyConnect: true,
        maxRetriesPerRequest: 2,
        // Commands issued in one turn of the event loop (rate-limit counters of a connect storm,
        // hot-state batches) go out in one write instead of a system call each.
        enableAutoPipelining: true,
      })
    : undefined;
  if (redis) {
    await redis.connect();
    closers.push(() => redis.quit());
  }

  return { target, database, store, redis };
}
