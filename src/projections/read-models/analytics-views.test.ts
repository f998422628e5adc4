import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import { type SqlBackend, sqlBackends } from '../../infrastructure/consumers/crash-testing.ts';
import { untyped } from '../../infrastructure/database.ts';
import type { NewEvent } from '../../infrastructure/event-store/event-store.ts';
import type { ProjectionRunner } from '../runner/projection-runner.ts';
import { event } from '../testing/projection-harness.ts';
import { eventLogProjection } from './event-log.ts';
import { append, caughtUp, contentLoaded, follow, type Harness } from './read-model-testing.ts';

const day1 = (time: string) => `2025-03-01T${time}:00.000Z`;
const day2 = (time: string) => `2025-03-02T${time}:00.000Z`;

const entered = (playerId: string, sessionId: string, at: string) =>
  event('PlayerEnteredWorld', { playerId, sessionId }, at);
const left = (playerId: string, sessionId: string, at: string) =>
  event('PlayerLeftWorld', { playerId, sessionId }, at);
const talked = (playerId: string, emotion: string, at: string) =>
  event(
    'NpcConversationHeld',
    { playerId, npcId: 'elder', locationId: 'square', message: 'hi', reply: 'hm', emotion, at },
    at,
  );
const feeling = (playerId: string, change: number, score: number, at: string) =>
  event('RelationshipChanged', { playerId, npcId: 'elder', change, score, reason: 'talk' }, at);
const quest = (type: string, playerId: string, at: string, step?: [string, number]) =>
  event(type, { playerId, questId: 'prophecy', ...(step ? { stepId: step[0], step: step[1] } : {}) }, at);
const died = (playerId: string, locationId: string, by: string, at: string) =>
  event('PlayerDefeated', { playerId, locationId, by }, at);

/** Three players over two days; every figure below is counted by hand from it. */
const history: [string, NewEvent[]][] = [
  ['world-content', [contentLoaded(fixtureWorld().content, day1('00:00'))]],
  [
    'player-p1',
    [
      entered('p1', 's1', day1('10:00')),
      talked('p1', 'friendly', day1('10:05')),
      feeling('p1', 3, 3, day1('10:05')),
      quest('QuestAccepted', 'p1', day1('10:06')),
      talked('p1', 'friendly', day1('10:07')),
      quest('QuestStepCompleted', 'p1', day1('10:10'), ['visit-woods', 0]),
      quest('QuestStepCompleted', 'p1', day1('10:20'), ['slay-wolf', 1]),
      left('p1', 's1', day1('10:30')),
      entered('p1', 's2', day2('09:00')),
      quest('QuestStepCompleted', 'p1', day2('09:10'), ['bring-petal', 2]),
      quest('QuestCompleted', 'p1', day2('09:10')),
      died('p1', 'woods', 'wolf', day2('09:20')),
    ],
  ],
  [
    'player-p2',
    [
      entered('p2', 's3', day1('11:00')),
      talked('p2', 'wary', day1('11:01')),
      feeling('p2', -2, -2, day1('11:01')),
      died('p2', 'woods', 'wolf', day1('11:05')),
      died('p2', 'square', 'bandit', day1('11:08')),
      left('p2', 's3', day1('11:10')),
    ],
  ],
  [
    'player-p3',
    [
      entered('p3', 's4', day2('12:00')),
      quest('QuestAccepted', 'p3', day2('12:01')),
      left('p3', 's4', day2('12:30')),
    ],
  ],
];

async function rows(db: Kysely<unknown>, query: string) {
  return (await sql.raw(query).execute(db)).rows;
}

async function expectFigures(db: Kysely<unknown>) {
  expect(
    await rows(
      db,
      `select player_id, session_id, started_at, ended_at, seconds, length is null as open
         from rm_analytics_sessions order by started_at`,
    ),
  ).toEqual([
    {
      player_id: 'p1',
      session_id: 's1',
      started_at: new Date(day1('10:00')),
      ended_at: new Date(day1('10:30')),
      seconds: 1800,
      open: false,
    },
    {
      player_id: 'p2',
      session_id: 's3',
      started_at: new Date(day1('11:00')),
      ended_at: new Date(day1('11:10')),
      seconds: 600,
      open: false,
    },
    {
      player_id: 'p1',
      session_id: 's2',
      started_at: new Date(day2('09:00')),
      ended_at: null,
      seconds: null,
      open: true,
    },
    {
      player_id: 'p3',
      session_id: 's4',
      started_at: new Date(day2('12:00')),
      ended_at: new Date(day2('12:30')),
      seconds: 1800,
      open: false,
    },
  ]);

  expect(
    await rows(
      db,
      `select cohort_day::text, day_number, players, cohort_size, retained::float8 as retained
         from rm_analytics_retention_daily order by 1, 2`,
    ),
  ).toEqual([
    { cohort_day: '2025-03-01', day_number: 0, players: 2, cohort_size: 2, retained: 1 },
    { cohort_day: '2025-03-01', day_number: 1, players: 1, cohort_size: 2, retained: 0.5 },
    { cohort_day: '2025-03-02', day_number: 0, players: 1, cohort_size: 1, retained: 1 },
  ]);

  // Offered: p1 and p2 talked to the elder, p3 accepted without talking.
  expect(
    await rows(
      db,
      `select stage_order, stage, step_id, players from rm_analytics_quest_funnel
        where quest_id = 'prophecy' order by stage_order`,
    ),
  ).toEqual([
    { stage_order: 0, stage: 'offered', step_id: null, players: 3 },
    { stage_order: 1, stage: 'accepted', step_id: null, players: 2 },
    { stage_order: 2, stage: 'step', step_id: 'visit-woods', players: 1 },
    { stage_order: 3, stage: 'step', step_id: 'slay-wolf', players: 1 },
    { stage_order: 4, stage: 'step', step_id: 'bring-petal', players: 1 },
    { stage_order: 5, stage: 'completed', step_id: null, players: 1 },
  ]);

  expect(
    await rows(
      db,
      `select day::text, npc_id, conversations, players, relationship_changes, net_change,
              average_score::float8 as average_score, commonest_emotion
         from rm_analytics_npc_sentiment order by day`,
    ),
  ).toEqual([
    {
      day: '2025-03-01',
      npc_id: 'elder',
      conversations: 3,
      players: 2,
      relationship_changes: 2,
      net_change: 1,
      average_score: 0.5,
      commonest_emotion: 'friendly',
    },
  ]);

  expect(
    await rows(
      db,
      `select location_id, killed_by, deaths, players, last_at from rm_analytics_deaths_by_place
        order by deaths desc, location_id`,
    ),
  ).toEqual([
    { location_id: 'woods', killed_by: 'wolf', deaths: 2, players: 2, last_at: new Date(day2('09:20')) },
    { location_id: 'square', killed_by: 'bandit', deaths: 1, players: 1, last_at: new Date(day1('11:08')) },
  ]);
}

describe.each(sqlBackends())('analysts’ views on $name', (backend: SqlBackend) => {
  let harness: Harness;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    harness = await backend.open();
    runner = await follow(harness, eventLogProjection);
    for (const [stream, events] of history) await append(harness, stream, events);
    await caughtUp(runner);
  });
  afterAll(async () => {
    await runner?.stop();
    await harness?.close();
  });

  it('answer sessions, retention, the quest funnel, NPC sentiment and deaths by place', async () => {
    await expectFigures(untyped(harness.database.db));
  });

  it('answer the same after a rebuild swaps new tables in', async () => {
    await runner.rebuildInShadow();
    await caughtUp(runner);
    await expectFigures(untyped(harness.database.db));
    const leftovers = await rows(
      untyped(harness.database.db),
      `select relname from pg_class
        where relname like 'rm_%rebuild' and relnamespace = current_schema()::regnamespace`,
    );
    expect(leftovers).toEqual([]);
  });
});
