import fastifyJwt from '@fastify/jwt';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import { searchPlugin, searchWorld } from '../../gateway/plugins/search.ts';
import { untyped } from '../../infrastructure/database.ts';
import type { ProjectionRunner } from '../runner/projection-runner.ts';
import { event, openProjectionHarness } from '../testing/projection-harness.ts';
import { conversationsProjection } from './conversations.ts';
import { locationsProjection } from './locations.ts';
import { npcsProjection } from './npcs.ts';
import { append, caughtUp, contentLoaded, follow, type Harness } from './read-model-testing.ts';

const talk = (playerId: string, message: string, reply: string) =>
  event('NpcConversationHeld', {
    playerId,
    npcId: 'elder',
    locationId: 'hut',
    message,
    reply,
    emotion: 'calm',
    at: new Date().toISOString(),
  });

describe('search over the read models', () => {
  const starTalk = talk('p1', 'Where did the star fall?', 'In the dark woods, child.');
  let harness: Harness;
  let runners: ProjectionRunner[];

  beforeAll(async () => {
    harness = await openProjectionHarness();
    runners = await Promise.all(
      [locationsProjection, npcsProjection, conversationsProjection].map((p) => follow(harness, p, 100)),
    );
    const content = structuredClone(fixtureWorld().content);
    content.locations[2]!.description = 'Trees lean over a crater where a star fell.';
    await append(harness, 'world-content', [contentLoaded(content)]);
    await append(harness, 'player-p1', [starTalk, talk('p1', 'hello', 'Welcome.')]);
    await append(harness, 'player-p2', [talk('p2', 'Tell me my secret star sign', 'Your secret is safe.')]);
    for (const runner of runners) await caughtUp(runner);
  });
  afterAll(async () => {
    for (const runner of runners ?? []) await runner.stop();
    await harness?.close();
  });

  const search = (playerId: string, query: string, limit = 20) =>
    searchWorld(untyped(harness.database.db), { playerId, query, limit });

  it('finds locations, NPCs (by their knowledge too) and the player own conversations, best first', async () => {
    const results = await search('p1', 'star');
    expect(results.map((r) => `${r.kind}:${r.id}`).sort()).toEqual([
      `conversation:${starTalk.id}`,
      'location:woods',
      'npc:elder',
    ]);
    expect(results.map((r) => r.rank)).toEqual(results.map((r) => r.rank).sort((a, b) => b - a));
    expect(results.find((r) => r.kind === 'conversation')).toMatchObject({
      title: 'Elder Zorathian',
      snippet: expect.stringContaining('<b>star</b>'),
    });
    expect(results.find((r) => r.kind === 'npc')).toMatchObject({ title: 'Elder Zorathian' });
    expect((await search('p1', 'healing herb'))[0]).toMatchObject({
      kind: 'item',
      id: 'herb',
      title: 'healing herb',
    });
    expect(await search('p1', 'star', 1)).toHaveLength(1);
  });

  it("never shows another player's conversations", async () => {
    expect(await search('p1', 'secret')).toEqual([]);
    expect((await search('p2', 'secret')).map((r) => r.kind)).toEqual(['conversation']);
    expect((await search('p2', 'star')).filter((r) => r.kind === 'conversation')).toHaveLength(1);
    expect((await search('p3', 'star')).filter((r) => r.kind === 'conversation')).toEqual([]);
  });

  it('GET /search needs a player token and a sensible query', async () => {
    const app = Fastify();
    await app.register(fastifyJwt, { secret: 'test-secret' });
    await app.register(searchPlugin, { db: untyped(harness.database.db) });
    const token = app.jwt.sign({ sub: 'p2', username: 'p2' });
    const get = (url: string, auth?: string) =>
      app.inject({ method: 'GET', url, headers: auth ? { authorization: `Bearer ${auth}` } : {} });

    expect((await get('/search?q=star')).statusCode).toBe(401);
    expect((await get('/search?q=star', 'forged')).statusCode).toBe(401);
    for (const bad of ['/search', '/search?q=', `/search?q=${'a'.repeat(201)}`, '/search?q=star&limit=0']) {
      const reply = await get(bad, token);
      expect(reply.statusCode, bad).toBe(400);
      expect(reply.json().error.code).toBe('invalid_query');
    }
    const reply = await get('/search?q=secret%20star', token);
    expect(reply.statusCode).toBe(200);
    expect(reply.json()).toMatchObject({
      query: 'secret star',
      results: [{ kind: 'conversation', title: 'Elder Zorathian' }],
    });
    await app.close();
  });
});
