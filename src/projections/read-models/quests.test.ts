import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import type { ProjectionRunner } from '../runner/projection-runner.ts';
import { event, openProjectionHarness, rowsOf } from '../testing/projection-harness.ts';
import { questsProjection } from './quests.ts';
import {
  append,
  caughtUp,
  contentLoaded,
  expectRebuildIdentical,
  follow,
  type Harness,
} from './read-model-testing.ts';

const content = fixtureWorld().content;
const at = (minute: number) => `2025-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

describe('quests read model', () => {
  let harness: Harness;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    harness = await openProjectionHarness();
    runner = await follow(harness, questsProjection);
  });
  afterAll(async () => {
    await runner?.stop();
    await harness?.close();
  });

  const quest = (type: string, playerId: string, minute: number, extra: Record<string, unknown> = {}) =>
    event(type, { playerId, questId: 'prophecy', ...extra }, at(minute));
  const step = (playerId: string, index: number, minute: number) =>
    quest('QuestStepCompleted', playerId, minute, { stepId: `s${index}`, step: index });

  it('keeps the definitions of the content in force and each player progress across batches', async () => {
    await append(harness, 'world-content', [contentLoaded(content)]);
    await append(harness, 'player-p1', [
      quest('QuestAccepted', 'p1', 1),
      step('p1', 0, 2),
      step('p1', 1, 3),
      step('p1', 2, 4),
      quest('QuestCompleted', 'p1', 4),
    ]);
    await append(harness, 'player-p2', [
      quest('QuestAccepted', 'p2', 1),
      step('p2', 0, 2),
      quest('QuestAbandoned', 'p2', 3),
    ]);
    await caughtUp(runner);

    const [definition] = await rowsOf(harness.database, 'rm_quests', 'quest_id');
    expect(definition).toMatchObject({
      quest_id: 'prophecy',
      name: "The Elder's Prophecy",
      giver: 'elder',
      requires: null,
      content_version: 'fixture-1',
      rewards: { xp: 50, items: ['vest'] },
    });
    expect((definition as { steps: unknown[] }).steps).toHaveLength(3);
    expect(await rowsOf(harness.database, 'rm_quest_progress', 'player_id')).toMatchObject([
      {
        player_id: 'p1',
        status: 'completed',
        step: 3,
        accepted_at: new Date(at(1)),
        completed_at: new Date(at(4)),
      },
      { player_id: 'p2', status: 'abandoned', step: 1, accepted_at: new Date(at(1)), completed_at: null },
    ]);
  });

  it('starts a quest over when it is accepted again', async () => {
    await append(harness, 'player-p2', [quest('QuestAccepted', 'p2', 10), step('p2', 0, 11)]);
    await caughtUp(runner);
    const rows = await rowsOf(harness.database, 'rm_quest_progress', 'player_id');
    expect(rows[1]).toMatchObject({
      status: 'active',
      step: 1,
      accepted_at: new Date(at(10)),
      completed_at: null,
    });
  });

  it('replaces the definitions when another content version is loaded', async () => {
    const next = structuredClone(content);
    next.version = 'fixture-2';
    next.quests = [{ ...next.quests[0]!, id: 'star', name: 'The Fallen Star', requires: 'prophecy' }];
    await append(harness, 'world-content', [contentLoaded(next)]);
    await caughtUp(runner);
    expect(await rowsOf(harness.database, 'rm_quests', 'quest_id')).toMatchObject([
      { quest_id: 'star', requires: 'prophecy', content_version: 'fixture-2' },
    ]);
  });

  it('rebuilds to the same rows as a copy built from zero', async () => {
    await expectRebuildIdentical(
      harness,
      runner,
      async () => {
        for (let n = 0; n < 10; n++)
          await append(harness, `player-q${n}`, [
            quest('QuestAccepted', `q${n}`, n),
            step(`q${n}`, 0, n + 1),
            ...(n % 2 ? [quest('QuestAbandoned', `q${n}`, n + 2)] : []),
          ]);
      },
      { quests: 'quest_id', quest_progress: 'player_id, quest_id' },
    );
    expect(await rowsOf(harness.database, 'rm_quest_progress', 'player_id')).toHaveLength(12);
  });
});
