import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import type { WorldContent } from '../../domain/world/world-schema.ts';
import type { ProjectionRunner } from '../runner/projection-runner.ts';
import { event, openProjectionHarness, rowsOf } from '../testing/projection-harness.ts';
import { npcsProjection } from './npcs.ts';
import {
  append,
  caughtUp,
  contentLoaded,
  expectRebuildIdentical,
  follow,
  type Harness,
} from './read-model-testing.ts';

const at = (minute: number) => `2025-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

function withSmith(): WorldContent {
  const content = structuredClone(fixtureWorld().content);
  const elder = content.npcs[0]!;
  content.npcs.push({
    ...elder,
    id: 'smith',
    name: 'Brom the Smith',
    location: 'square',
    relationships: [{ npc: 'elder', kind: 'friend', score: 40 }],
  });
  elder.relationships = [{ npc: 'smith', kind: 'rival', score: -10 }];
  return content;
}

const talk = (playerId: string, npcId: string, minute: number) =>
  event(
    'NpcConversationHeld',
    {
      playerId,
      npcId,
      locationId: 'hut',
      message: 'hello',
      reply: 'Welcome, child.',
      emotion: 'calm',
      at: at(minute),
    },
    at(minute),
  );

const opinion = (playerId: string, npcId: string, score: number, reason: string, minute: number) =>
  event('RelationshipChanged', { playerId, npcId, change: 1, score, reason }, at(minute));

describe('npcs read model', () => {
  let harness: Harness;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    harness = await openProjectionHarness();
    runner = await follow(harness, npcsProjection);
  });
  afterAll(async () => {
    await runner?.stop();
    await harness?.close();
  });

  it('keeps NPCs, conversations counted across batches, and relationships with NPCs and players', async () => {
    await append(harness, 'world-content', [contentLoaded(withSmith(), at(0))]);
    await append(harness, 'player-p1', [
      event('PlayerRegistered', { playerId: 'p1', username: 'Ayla' }, at(1)),
      talk('p1', 'elder', 3),
      opinion('p1', 'elder', 2, 'talk', 3),
      talk('p1', 'elder', 5),
      talk('p1', 'elder', 4),
      opinion('p1', 'elder', 12, 'quest:prophecy', 5),
      talk('p1', 'smith', 6),
    ]);
    await caughtUp(runner);

    expect(await rowsOf(harness.database, 'rm_npcs', 'npc_id')).toMatchObject([
      {
        npc_id: 'elder',
        name: 'Elder Zorathian',
        location: 'hut',
        traits: ['wise'],
        mood: 'thoughtful',
        speech_style: 'slow and archaic',
        knowledge: 'the prophecy: A star shall fall.',
        content_version: 'fixture-1',
        conversations: 3,
        last_talk_at: new Date(at(5)),
      },
      { npc_id: 'smith', name: 'Brom the Smith', conversations: 1, last_talk_at: new Date(at(6)) },
    ]);
    expect(await rowsOf(harness.database, 'rm_npc_relationships', 'npc_id, other_kind, other_id')).toEqual([
      {
        npc_id: 'elder',
        other_id: 'smith',
        other_kind: 'npc',
        other_name: 'Brom the Smith',
        kind: 'rival',
        score: -10,
        updated_at: new Date(at(0)),
      },
      {
        npc_id: 'elder',
        other_id: 'p1',
        other_kind: 'player',
        other_name: 'Ayla',
        kind: 'quest:prophecy',
        score: 12,
        updated_at: new Date(at(5)),
      },
      {
        npc_id: 'smith',
        other_id: 'elder',
        other_kind: 'npc',
        other_name: 'Elder Zorathian',
        kind: 'friend',
        score: 40,
        updated_at: new Date(at(0)),
      },
    ]);
  });

  it("names a player whose registration the read model meets only after the NPC's opinion", async () => {
    await append(harness, 'player-p9', [opinion('p9', 'smith', 4, 'talk', 7)]);
    await caughtUp(runner);
    const p9 = async () =>
      (await rowsOf(harness.database, 'rm_npc_relationships', 'npc_id')).filter(
        (row) => (row as { other_id: string }).other_id === 'p9',
      );
    expect(await p9()).toMatchObject([{ npc_id: 'smith', other_name: null, score: 4 }]);
    await append(harness, 'player-p9', [
      event('PlayerRegistered', { playerId: 'p9', username: 'Bo' }, at(8)),
    ]);
    await caughtUp(runner);
    expect(await p9()).toMatchObject([{ npc_id: 'smith', other_name: 'Bo', score: 4 }]);
  });

  it('follows a content reload: NPCs that left keep their history, NPC relationships are the new ones', async () => {
    await append(harness, 'world-content', [
      contentLoaded({ ...fixtureWorld().content, version: 'v2' }, at(9)),
    ]);
    await caughtUp(runner);
    expect(await rowsOf(harness.database, 'rm_npcs', 'npc_id')).toMatchObject([
      { npc_id: 'elder', content_version: 'v2', conversations: 3 },
      { npc_id: 'smith', name: null, content_version: null, conversations: 1 },
    ]);
    expect(
      await rowsOf(harness.database, 'rm_npc_relationships', 'npc_id, other_kind, other_id'),
    ).toMatchObject([
      { npc_id: 'elder', other_id: 'p1', other_kind: 'player', other_name: 'Ayla', score: 12 },
      { npc_id: 'smith', other_id: 'p9', other_name: 'Bo' },
    ]);
  });

  it('rebuilds to the same rows as a copy built from zero', async () => {
    await expectRebuildIdentical(
      harness,
      runner,
      async () => {
        await append(harness, 'world-content', [contentLoaded(withSmith(), at(20))]);
        for (let n = 0; n < 10; n++)
          await append(harness, `player-r${n}`, [
            event('PlayerRegistered', { playerId: `r${n}`, username: `runner${n}` }, at(20 + n)),
            talk(`r${n}`, n % 2 ? 'elder' : 'smith', 20 + n),
            opinion(`r${n}`, 'elder', n, 'talk', 20 + n),
          ]);
      },
      {
        npcs: 'npc_id',
        npc_relationships: 'npc_id, other_kind, other_id',
        npc_player_names: 'player_id',
      },
    );
    expect(await rowsOf(harness.database, 'rm_npcs', 'npc_id')).toMatchObject([
      { npc_id: 'elder', conversations: 8 },
      { npc_id: 'smith', content_version: 'fixture-1', conversations: 6 },
    ]);
  });
});
