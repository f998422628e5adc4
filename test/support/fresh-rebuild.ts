import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { type Database, openDatabase, quoteIdentifier, untyped } from '../../src/infrastructure/database.ts';
import {
  type EventStoreTables,
  SqlEventStore,
} from '../../src/infrastructure/event-store/sql-event-store.ts';
import { RedisHotState } from '../../src/infrastructure/hot-state/redis-hot-state.ts';
import { createLogger } from '../../src/infrastructure/logger.ts';
import { connectRedis, escapeGlob } from '../../src/infrastructure/redis.ts';
import { HotStateRunner } from '../../src/projections/hot-state/hot-state-projection.ts';
import { sqlReadModels } from '../../src/projections/read-models/index.ts';
import { liveNames } from '../../src/projections/runner/projection.ts';
import { ProjectionRunner } from '../../src/projections/runner/projection-runner.ts';

const logger = createLogger('silent', false);
const CATCH_UP_TIMEOUT_MS = 120_000;

/**
 * The live read models of one schema next to a fresh rebuild of them: the product's own runners and
 * projections, in this process, reading the same event store and writing into another schema (so the
 * live tables are never touched). Every read model of `sqlReadModels` is compared, table by table.
 */
export class FreshRebuild {
  private constructor(
    private readonly url: string,
    private readonly liveSchema: string,
    private readonly freshSchema: string,
    private readonly live: Database<EventStoreTables>,
    private readonly fresh: Database<EventStoreTables>,
    readonly store: SqlEventStore,
  ) {}

  static async open(url: string, liveSchema: string, freshSchema: string): Promise<FreshRebuild> {
    const live = await openDatabase<EventStoreTables>({
      kind: 'postgres',
      url,
      schema: liveSchema,
      poolSize: 4,
    });
    const fresh = await openDatabase<EventStoreTables>({
      kind: 'postgres',
      url,
      schema: freshSchema,
      poolSize: 4,
    });
    const store = new SqlEventStore(live, { name: 'postgres', pollIntervalMs: 50 });
    return new FreshRebuild(url, liveSchema, freshSchema, live, fresh, store);
  }

  /** Builds every SQL read model from the first event into the fresh schema; their positions by name. */
  async rebuildSqlReadModels(): Promise<Map<string, bigint>> {
    for (const projection of sqlReadModels) {
      const runner = new ProjectionRunner(projection, untyped(this.fresh.db), this.store, logger);
      await runner.start();
      await runner.caughtUp();
      await runner.stop();
    }
    return this.positions(this.fresh);
  }

  /** Waits until the live read models' checkpoints reach `positions` (the projector caught up). */
  async liveCaughtUpWith(positions: Map<string, bigint>): Promise<Map<string, bigint>> {
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    for (;;) {
      const live = await this.positions(this.live);
      const behind = [...positions].filter(([name, at]) => (live.get(name) ?? -1n) < at);
      if (behind.length === 0) return live;
      if (Date.now() > deadline)
        throw new Error(
          `the live read models did not catch up: ${behind.map(([n, at]) => `${n} at ${live.get(n) ?? 'none'} < ${at}`).join(', ')}`,
        );
      await sleep(250);
    }
  }

  /** Differences between live and fresh rows, table by table (empty when every read model is equal). */
  async differences(): Promise<string[]> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      const problems: string[] = [];
      for (const projection of sqlReadModels) {
        for (const table of Object.values(liveNames(projection))) {
          const live = await rowsOf(client, this.liveSchema, table);
          const fresh = await rowsOf(client, this.freshSchema, table);
          problems.push(...diffRows(`${projection.name}/${table}`, live, fresh));
        }
      }
      return problems;
    } finally {
      await client.end();
    }
  }

  private async positions(database: Database<EventStoreTables>): Promise<Map<string, bigint>> {
    const { rows } = await database.pool.query<{ name: string; position: string }>(
      'select name, position from projection_state',
    );
    return new Map(rows.map((r) => [r.name, BigInt(r.position)]));
  }

  async close(): Promise<void> {
    await this.store.close();
    await this.live.close();
    await this.fresh.close();
  }
}

/** Every row as canonical JSON text, sorted: the table's content, whatever its physical order. */
async function rowsOf(client: pg.Client, schema: string, table: string): Promise<string[]> {
  const { rows } = await client.query<{ row: string }>(
    `select to_jsonb(t)::text as row from ${quoteIdentifier(schema)}.${quoteIdentifier(table)} t`,
  );
  return rows.map((r) => r.row).sort();
}

function diffRows(label: string, live: string[], fresh: string[]): string[] {
  if (isDeepStrictEqual(live, fresh)) return [];
  const inFresh = new Set(fresh);
  const inLive = new Set(live);
  const onlyLive = live.filter((row) => !inFresh.has(row));
  const onlyFresh = fresh.filter((row) => !inLive.has(row));
  return [
    `${label}: live has ${live.length} rows, the fresh rebuild ${fresh.length}` +
      (onlyLive.length ? `\n  only live: ${onlyLive.slice(0, 3).join('\n             ')}` : '') +
      (onlyFresh.length ? `\n  only fresh: ${onlyFresh.slice(0, 3).join('\n              ')}` : '') +
      (onlyLive.length + onlyFresh.length === 0 ? '\n  (the same rows, some of them repeated)' : ''),
  ];
}

/** What the hot state says of each player, read from the live generation at one moment. */
export interface HotStateView {
  checkpoint: bigint | undefined;
  players: Map<string, { position: string | undefined; actions: string }>;
}

/**
 * The projector's Redis hot state next to a fresh one built by the product's HotStateRunner from the
 * same events under another prefix. Both are read at the same instant with the same `now`, so their
 * TTLs (positions 30 s, actions 60 s after the event) cut them alike.
 */
export async function compareHotState(
  redisUrl: string,
  livePrefix: string,
  freshPrefix: string,
  store: SqlEventStore,
  playerIds: readonly string[],
): Promise<{ problems: string[]; nonEmpty: number }> {
  const live = await RedisHotState.open({ url: redisUrl, prefix: livePrefix });
  const fresh = await RedisHotState.open({ url: redisUrl, prefix: freshPrefix });
  try {
    const runner = new HotStateRunner(fresh, store, logger);
    await runner.start();
    await runner.caughtUp();
    await runner.stop();
    const target = await fresh.checkpoint(0);
    const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
    for (;;) {
      const reached = (await live.checkpoint(await live.liveGeneration())) ?? -1n;
      if (reached >= (target ?? -1n)) break;
      if (Date.now() > deadline)
        throw new Error(`the live hot state did not catch up: at ${reached} < ${target} (a fresh rebuild's)`);
      await sleep(250);
    }
    const now = Date.now();
    const [a, b] = await Promise.all([view(live, playerIds, now), view(fresh, playerIds, now)]);
    const problems: string[] = [];
    if (a.checkpoint !== b.checkpoint)
      problems.push(`hot-state checkpoint: live ${a.checkpoint}, fresh ${b.checkpoint}`);
    let nonEmpty = 0;
    for (const id of playerIds) {
      const [l, f] = [a.players.get(id), b.players.get(id)];
      if (f?.position || f?.actions !== '[]') nonEmpty++;
      if (!isDeepStrictEqual(l, f))
        problems.push(`hot-state of ${id}: live ${JSON.stringify(l)}, fresh ${JSON.stringify(f)}`);
    }
    return { problems, nonEmpty };
  } finally {
    await live.close();
    await fresh.close();
  }
}

async function view(hot: RedisHotState, playerIds: readonly string[], now: number): Promise<HotStateView> {
  const generation = await hot.liveGeneration();
  const entries = await Promise.all(
    playerIds.map(async (id) => {
      const [position, actions] = await Promise.all([hot.position(id), hot.recentActions(id, now)]);
      return [id, { position, actions: JSON.stringify(actions) }] as const;
    }),
  );
  return { checkpoint: await hot.checkpoint(generation), players: new Map(entries) };
}

/** Removes every key under `prefix` (a test's own keys on the shared Redis). */
export async function dropRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const client = await connectRedis({ url: redisUrl, commandTimeoutMs: 5_000 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1_000);
      cursor = next;
      if (keys.length > 0) await client.unlink(keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
