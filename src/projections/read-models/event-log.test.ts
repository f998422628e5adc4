import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import { liveNames, shadowNames } from '../runner/projection.ts';
import type { ProjectionRunner } from '../runner/projection-runner.ts';
import { event, openProjectionHarness, rowsOf } from '../testing/projection-harness.ts';
import { eventLogProjection, plainEventLogSql, timescaleEventLogSql } from './event-log.ts';
import {
  append,
  caughtUp,
  contentLoaded,
  expectRebuildIdentical,
  follow,
  type Harness,
} from './read-model-testing.ts';

const at = (minute: number, second = 0) =>
  `2025-01-01T10:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}.000Z`;

const requested = (playerId: string, actionType: string, time: string) => ({
  ...event('ActionRequested', { actionId: `a-${time}`, action: { action_type: actionType } }, time),
  metadata: { timestamp: time, playerId },
});

describe('event log SQL', () => {
  it('without TimescaleDB: a plain table with BRIN on time, and a plain view', () => {
    const text = plainEventLogSql(shadowNames(eventLogProjection)).join(';\n');
    expect(text).toContain('create table "rm_event_log__rebuild"');
    expect(text).toContain('primary key (position)');
    expect(text).toContain('using brin (at)');
    expect(text).toContain('(event_type, at)');
    expect(text).toMatch(
      /create view "rm_event_log_actions_per_minute__rebuild" as\s+select date_trunc\('minute', at\)/,
    );
    expect(text).not.toContain('timescaledb');
  });

  it('with TimescaleDB: a hypertable keyed with its time column, and a continuous aggregate', () => {
    const text = timescaleEventLogSql(liveNames(eventLogProjection)).join(';\n');
    expect(text).toContain('primary key (position, at)');
    expect(text).toContain(`select create_hypertable('"rm_event_log"', 'at'`);
    expect(text).toMatch(
      /create materialized view "rm_event_log_actions_per_minute"\s+with \(timescaledb\.continuous/,
    );
    expect(text).toContain("time_bucket('1 minute', at)");
    expect(text).toContain("where event_type = 'ActionRequested'");
    expect(text).toContain('with no data');
    expect(text).toContain(`add_continuous_aggregate_policy('"rm_event_log_actions_per_minute"'`);
  });
});

describe('event log read model (plain PostgreSQL: TimescaleDB cannot run in PGlite)', () => {
  let harness: Harness;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    harness = await openProjectionHarness();
    runner = await follow(harness, eventLogProjection);
  });
  afterAll(async () => {
    await runner?.stop();
    await harness?.close();
  });

  it('logs every event with what analytics group by', async () => {
    await append(harness, 'world-content', [contentLoaded(fixtureWorld().content, at(0))]);
    await append(harness, 'player-p1', [
      requested('p1', 'look', at(1, 5)),
      event(
        'ActionResolved',
        {
          actionId: 'a1',
          result: { action_type: 'look', narration: 'A square.' },
          source: 'rules',
          refusedEffects: [],
        },
        at(1, 6),
      ),
      requested('p1', 'move', at(1, 30)),
      requested('p1', 'look', at(2, 1)),
    ]);
    await append(harness, 'location-square', [
      event('ItemPickedUp', { locationId: 'square', itemId: 'dagger', playerId: 'p2' }, at(2, 2)),
    ]);
    await caughtUp(runner);

    const rows = await rowsOf(harness.database, 'rm_event_log', 'position');
    expect(rows.map((r) => (r as { event_type: string }).event_type)).toEqual([
      'WorldContentLoaded',
      'ActionRequested',
      'ActionResolved',
      'ActionRequested',
      'ActionRequested',
      'ItemPickedUp',
    ]);
    expect(rows).toMatchObject([
      {
        category: 'world',
        stream_id: 'world-content',
        player_id: null,
        action_type: null,
        at: new Date(at(0)),
      },
      { category: 'player', player_id: 'p1', action_type: 'look', source: null },
      { category: 'player', action_type: 'look', source: 'rules' },
      { action_type: 'move' },
      { action_type: 'look' },
      { category: 'location', stream_id: 'location-square', player_id: 'p2', action_type: null },
    ]);
    const { rows: perMinute } = await sql`
      select minute, action_type, actions::int from rm_event_log_actions_per_minute order by 1, 2`.execute(
      harness.database.db,
    );
    expect(perMinute).toEqual([
      { minute: new Date(at(1)), action_type: 'look', actions: 1 },
      { minute: new Date(at(1)), action_type: 'move', actions: 1 },
      { minute: new Date(at(2)), action_type: 'look', actions: 1 },
    ]);
  });

  it('rebuilds, and the view swapped in with the table reads the new live table under the live name', async () => {
    await expectRebuildIdentical(
      harness,
      runner,
      async () => {
        for (let n = 0; n < 20; n++)
          await append(harness, `player-e${n}`, [requested(`e${n}`, 'say', at(3, n))]);
      },
      { event_log: 'position', event_log_actions_per_minute: 'minute, action_type' },
    );
    const { rows: leftovers } = await sql`
      select relname from pg_class where relname like 'rm_event_log%rebuild'`.execute(harness.database.db);
    expect(leftovers).toEqual([]);
    await append(harness, 'player-p1', [requested('p1', 'say', at(3, 59))]);
    await caughtUp(runner);
    const { rows } = await sql`
      select actions::int from rm_event_log_actions_per_minute where action_type = 'say'`.execute(
      harness.database.db,
    );
    expect(rows).toEqual([{ actions: 21 }]);
  });
});
