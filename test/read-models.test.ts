import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSkipped, testServices } from '../src/infrastructure/testing/services.ts';
import { GameClient, httpPacer, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

const ADMIN_TOKEN = 'operator-secret-0123456789';
const backends: { name: string; postgresUrl?: string; redisUrl?: string }[] = [
  { name: 'embedded (PGlite, in-process hot state)' },
];
if (testServices.postgres.url && testServices.redis.url) {
  backends.push({
    name: 'PostgreSQL and Redis',
    postgresUrl: testServices.postgres.url,
    redisUrl: testServices.redis.url,
  });
} else {
  reportSkipped(
    'PostgreSQL and Redis',
    `${testServices.postgres.variable} and ${testServices.redis.variable}`,
  );
}

type Projection = { name: string; status: string; lag_events: number; rebuild: { phase: string } | null };

describe.each(backends)('read models on $name', ({ postgresUrl, redisUrl }) => {
  let server: TestSystem;
  let player: GameClient;
  let token = '';
  const call = async (method: string, path: string, bearer: string) => {
    await httpPacer.slot();
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}` },
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const projections = async () => (await call('GET', '/admin/projections', ADMIN_TOKEN)).body as Projection[];
  const settled = async (done: (all: Projection[]) => boolean) => {
    for (let i = 0; i < 100; i++) {
      const all = await projections();
      if (done(all)) return all;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    throw new Error(`read models did not settle: ${JSON.stringify(await projections())}`);
  };

  beforeAll(async () => {
    server = await startTestSystem({
      // A game clock half an hour ahead of real time: the hot state's windows must follow the game's clock.
      clock: () => new Date(Date.now() + 30 * 60_000),
      env: { ADMIN_TOKEN },
      ...(postgresUrl ? { postgresUrl } : {}),
      ...(redisUrl ? { redisUrl } : {}),
    });
    ({ token } = await register(server.baseUrl, 'chronicler'));
    player = await GameClient.connect(server.baseUrl, token);
    await player.waitFor((f) => f.type === 'welcome');
    await player.act({ action_type: 'move', direction: 'north' });
    await player.act({
      action_type: 'talk',
      npc: 'Zorathian',
      message: 'Tell me about the ancient prophecy of the star',
    });
    await settled((all) => all.every((p) => p.lag_events === 0));
  });
  afterAll(async () => {
    await player?.close();
    await server?.stop();
  });

  it('lists every read model with its lag', async () => {
    const names = (await projections()).map((p) => p.name);
    expect(names).toEqual([
      'players',
      'quests',
      'npcs',
      'conversations',
      'locations',
      'event_log',
      'hot-state',
    ]);
  });

  it('serves a player’s profile from PostgreSQL and the hot state', async () => {
    const me = await call('GET', '/players/me', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'chronicler', location_id: 'elders-hut', online: true });
    const actions = (me.body as { recent_actions: { action_type: string }[] }).recent_actions.map(
      (a) => a.action_type,
    );
    expect(actions).toEqual(['move', 'talk']);
  });

  it('searches world content and the player’s own conversations', async () => {
    const found = await call('GET', `/search?q=${encodeURIComponent('prophecy star')}`, token);
    expect(found.status).toBe(200);
    const kinds = (found.body as { results: { kind: string; id: string }[] }).results.map(
      (r) => `${r.kind}:${r.id}`,
    );
    expect(kinds).toContain('npc:elder-zorathian');
    expect(kinds.some((k) => k.startsWith('conversation:'))).toBe(true);
    expect((await call('GET', '/search?q=', token)).status).toBe(400);
    expect((await call('GET', '/search?q=star', 'not-a-token')).status).toBe(401);
  });

  it('rebuilds every read model while the game goes on, and they come back the same', async () => {
    const before = (await call('GET', '/players/me', token)).body as Record<string, unknown>;
    const started = await call('POST', '/admin/projections/all/rebuild', ADMIN_TOKEN);
    expect(started).toMatchObject({
      status: 202,
      body: { started: expect.arrayContaining(['players', 'event_log', 'hot-state']) },
    });
    const look = await player.act({ action_type: 'look' });
    expect(look.type).toBe('action_result');
    await settled((all) => all.every((p) => p.rebuild?.phase === 'done' && p.lag_events === 0));
    const after = (await call('GET', '/players/me', token)).body as Record<string, unknown>;
    expect({ ...after, recent_actions: undefined, last_seen_at: undefined }).toEqual({
      ...before,
      recent_actions: undefined,
      last_seen_at: undefined,
    });
    expect((after.recent_actions as { action_type: string }[]).map((a) => a.action_type)).toEqual([
      'move',
      'talk',
      'look',
    ]);
    expect((await call('POST', '/admin/projections/nope/rebuild', ADMIN_TOKEN)).status).toBe(404);
  });
});
