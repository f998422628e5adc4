import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import starterContent from '../content/starter-world.json' with { type: 'json' };
import { GameClient, httpPacer, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

const ADMIN_TOKEN = 'operator-secret-0123456789';

describe('world content versions', () => {
  let server: TestSystem;
  const admin = async (method: string, path: string, body?: unknown, token = ADMIN_TOKEN) => {
    await httpPacer.slot();
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    server = await startTestSystem({ env: { ADMIN_TOKEN } });
  });
  afterAll(() => server?.stop());

  it('records the content in force as an event at start-up', async () => {
    const loaded = (await server.system.store.readStream('world-content')).map((e) => e.type);
    expect(loaded).toEqual(['WorldContentLoaded']);
    expect((await admin('GET', '/admin/world')).body).toMatchObject({ version: 'starter-2' });
  });

  it('keeps the admin endpoints behind their own token', async () => {
    expect((await admin('GET', '/admin/world', undefined, 'wrong')).status).toBe(401);
  });

  it('loads a new content version without a restart, and players see it at once', async () => {
    const { token } = await register(server.baseUrl, 'witness');
    const client = await GameClient.connect(server.baseUrl, token);
    await client.waitFor((f) => f.type === 'welcome');

    const next = structuredClone(starterContent);
    next.version = 'starter-3';
    next.locations[0]!.description = 'The square has been freshly swept for the harvest festival.';
    const reloaded = await admin('POST', '/admin/world/reload', { content: next });
    expect(reloaded).toMatchObject({ status: 200, body: { version: 'starter-3', changed: true } });

    const look = await client.act({ action_type: 'look' });
    expect((look.result as { narration: string }).narration).toContain('harvest festival');
    expect((await admin('POST', '/admin/world/reload', { content: next })).body).toMatchObject({
      changed: false,
    });
    const versions = (await server.system.store.readStream('world-content')).map(
      (e) => (e.data as { version: string }).version,
    );
    expect(versions).toEqual(['starter-2', 'starter-3']);
    await client.close();
  });

  it('refuses invalid content with the path and the problem, and keeps the version in force', async () => {
    const broken = structuredClone(starterContent) as unknown as {
      locations: { exits: Record<string, string> }[];
    };
    broken.locations[0]!.exits.north = 'nowhere';
    const refused = await admin('POST', '/admin/world/reload', { content: broken });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: { code: 'invalid_world_content' } });
    expect(JSON.stringify(refused.body)).toContain('locations[0].exits.north');
    expect((await admin('GET', '/admin/world')).body).toMatchObject({ version: 'starter-3' });
  });
});
