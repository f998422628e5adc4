import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectionRunner } from '../runner/projection-runner.ts';
import { event, openProjectionHarness, rowsOf } from '../testing/projection-harness.ts';
import { conversationsProjection } from './conversations.ts';
import { append, caughtUp, expectRebuildIdentical, follow, type Harness } from './read-model-testing.ts';

const talk = (playerId: string, message: string, reply: string, at = '2025-01-01T10:00:00.000Z') =>
  event(
    'NpcConversationHeld',
    { playerId, npcId: 'elder', locationId: 'hut', message, reply, emotion: 'calm', at },
    at,
  );

describe('conversations read model', () => {
  let harness: Harness;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    harness = await openProjectionHarness();
    runner = await follow(harness, conversationsProjection);
  });
  afterAll(async () => {
    await runner?.stop();
    await harness?.close();
  });

  it('keeps one row per conversation, searchable by its words', async () => {
    const first = talk('p1', 'Tell me of the prophecy', 'A star shall fall from the sky.');
    await append(harness, 'player-p1', [
      first,
      talk('p1', 'hello', 'Welcome, child.'),
      talk('p1', 'What of the wolves?', 'They hunt in the dark woods.'),
      talk('p1', 'bye', 'Farewell.'),
    ]);
    await caughtUp(runner);

    const rows = await rowsOf(harness.database, 'rm_conversations', 'position');
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatchObject({
      event_id: first.id,
      npc_id: 'elder',
      player_id: 'p1',
      location_id: 'hut',
      message: 'Tell me of the prophecy',
      emotion: 'calm',
      at: new Date('2025-01-01T10:00:00.000Z'),
    });
    const { rows: found } = await sql<{ event_id: string }>`
      select event_id from rm_conversations where search @@ websearch_to_tsquery('english', 'falling stars')`.execute(
      harness.database.db,
    );
    expect(found).toEqual([{ event_id: first.id }]);
  });

  it('rebuilds to the same rows as a copy built from zero', async () => {
    await expectRebuildIdentical(
      harness,
      runner,
      async () => {
        for (let n = 0; n < 10; n++)
          await append(harness, `player-c${n}`, [talk(`c${n}`, `question ${n}`, 'answer')]);
      },
      { conversations: 'position' },
    );
    expect(await rowsOf(harness.database, 'rm_conversations', 'position')).toHaveLength(14);
  });
});
