import { randomUUID } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { untyped } from '../infrastructure/database.ts';
import type { NewEvent } from '../infrastructure/event-store/event-store.ts';
import { BusinessMetrics } from './business-metrics.ts';
import { eventLogProjection } from './read-models/event-log.ts';
import { npcsProjection } from './read-models/npcs.ts';
import { playersProjection } from './read-models/players.ts';
import { questsProjection } from './read-models/quests.ts';
import { append, caughtUp, follow, type Harness } from './read-models/read-model-testing.ts';
import type { ProjectionRunner } from './runner/projection-runner.ts';
import { event, openProjectionHarness } from './testing/projection-harness.ts';

const NOW = new Date('2025-03-20T12:00:00.000Z');

const registered = (playerId: string, at: string) =>
  event('PlayerRegistered', { playerId, username: playerId }, at);
const entered = (playerId: string, at: string) =>
  event('PlayerEnteredWorld', { playerId, sessionId: randomUUID() }, at);
const left = (playerId: string, at: string) =>
  event('PlayerLeftWorld', { playerId, sessionId: randomUUID() }, at);
const asked = (playerId: string, at: string): NewEvent => ({
  id: randomUUID(),
  type: 'ActionRequested',
  data: { actionId: randomUUID(), action: { action_type: 'look' } },
  metadata: { timestamp: at, playerId },
});
const quest = (type: string, playerId: string, questId: string, at: string) =>
  event(type, { playerId, questId }, at);
const talk = (playerId: string, at: string) =>
  event(
    'NpcConversationHeld',
    { npcId: 'elder', playerId, locationId: 'square', message: 'hi', reply: 'hello', emotion: 'calm', at },
    at,
  );

describe('business metrics from the read models', () => {
  let harness: Harness;
  let runners: ProjectionRunner[];

  beforeAll(async () => {
    harness = await openProjectionHarness();
    runners = [];
    for (const projection of [playersProjection, questsProjection, npcsProjection, eventLogProjection])
      runners.push(await follow(harness, projection, 50));

    // p1: day 1 active (entered). p2: day 7 active only (an action on day 1 is no session: not counted).
    // p3: registered 5 days ago, entered on day 0 and left on its day 1: active on day 1.
    // p4: registered long before the 30-day cohorts, active on its day 1: counted nowhere.
    // p5: registered yesterday: its day 1 is not over, so it is in no cohort yet.
    await append(harness, 'player-p1', [
      registered('p1', '2025-03-10T09:00:00.000Z'),
      entered('p1', '2025-03-11T10:00:00.000Z'),
      quest('QuestAccepted', 'p1', 'q1', '2025-03-11T10:05:00.000Z'),
      quest('QuestCompleted', 'p1', 'q1', '2025-03-11T10:30:00.000Z'),
      talk('p1', '2025-03-11T10:10:00.000Z'),
    ]);
    await append(harness, 'player-p2', [
      registered('p2', '2025-03-10T10:00:00.000Z'),
      asked('p2', '2025-03-11T11:00:00.000Z'),
      entered('p2', '2025-03-17T11:00:00.000Z'),
      quest('QuestAccepted', 'p2', 'q1', '2025-03-17T11:05:00.000Z'),
      talk('p2', '2025-03-17T11:10:00.000Z'),
    ]);
    await append(harness, 'player-p3', [
      registered('p3', '2025-03-15T08:00:00.000Z'),
      entered('p3', '2025-03-15T23:00:00.000Z'),
      left('p3', '2025-03-16T09:00:00.000Z'),
      quest('QuestAccepted', 'p3', 'q2', '2025-03-16T09:05:00.000Z'),
      talk('p3', '2025-03-16T09:10:00.000Z'),
    ]);
    await append(harness, 'player-p4', [
      registered('p4', '2025-01-01T08:00:00.000Z'),
      entered('p4', '2025-01-02T09:00:00.000Z'),
    ]);
    await append(harness, 'player-p5', [registered('p5', '2025-03-19T20:00:00.000Z')]);
    for (const runner of runners) await caughtUp(runner);
  });
  afterAll(async () => {
    for (const runner of runners ?? []) await runner.stop();
    await harness?.close();
  });

  it('reads quest completion, NPC conversations and day-1/day-7 retention', async () => {
    const business = new BusinessMetrics(untyped(harness.database.db), { now: () => NOW });
    expect(await business.figures()).toEqual({
      questCompletionRatio: 1 / 3,
      npcInteractions: 3,
      retention: { '1': 2 / 3, '7': 1 / 2 },
    });
  });

  it('reads again at most once per maxAgeMs, however often it is scraped', async () => {
    const cached = new BusinessMetrics(untyped(harness.database.db), { now: () => NOW });
    expect((await cached.figures())?.npcInteractions).toBe(3);
    await append(harness, 'player-p3', [talk('p3', '2025-03-20T11:00:00.000Z')]);
    for (const runner of runners) await caughtUp(runner);
    expect((await cached.figures())?.npcInteractions).toBe(3);
    const fresh = new BusinessMetrics(untyped(harness.database.db), { now: () => NOW, maxAgeMs: 0 });
    expect((await fresh.figures())?.npcInteractions).toBe(4);
  });

  it('says nothing when nobody has played yet: NaN ratios, not zeros an alert would fire on', async () => {
    const business = new BusinessMetrics(untyped(harness.database.db), {
      now: () => new Date('2020-01-01T00:00:00.000Z'),
    });
    const figures = await business.figures();
    expect(figures?.retention['1']).toBeNaN();
    expect(figures?.retention['7']).toBeNaN();
  });

  it('a failed read is reported, shared by concurrent scrapes, and not retried before maxAgeMs', async () => {
    const connect = vi.fn(async () => {
      throw new Error('database unreachable');
    });
    const db = new Kysely<unknown>({
      dialect: new PostgresDialect({ pool: { connect, end: async () => {} } as never }),
    });
    const onError = vi.fn();
    const business = new BusinessMetrics(db, { onError });
    expect(await Promise.all([business.figures(), business.figures()])).toEqual([undefined, undefined]);
    expect(await business.figures()).toBeUndefined();
    expect(connect).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(String(onError.mock.calls[0]![0])).toContain('database unreachable');
  });
});
