import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GameClient, httpPacer, register } from './support/game-client.ts';
import { clockFromGameHour, startTestSystem, type TestSystem } from './support/start-test-system.ts';

const ADMIN_TOKEN = 'analyst-secret-0123456789';

describe('analytics: event replay and time travel over the admin API', () => {
  let server: TestSystem;
  let playerId: string;
  let beforeMove: string;

  const admin = async (path: string, token = ADMIN_TOKEN) => {
    await httpPacer.slot();
    const response = await fetch(`${server.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    };
  };
  const jsonLines = (text: string) =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { position: string; stream: string; type: string; data: unknown });

  beforeAll(async () => {
    server = await startTestSystem({ env: { ADMIN_TOKEN }, clock: clockFromGameHour(11) });
    const registered = await register(server.baseUrl, 'chronicler');
    playerId = registered.player_id;
    const client = await GameClient.connect(server.baseUrl, registered.token);
    await client.waitFor((f) => f.type === 'welcome');
    const sofar = jsonLines((await admin(`/admin/events?stream=player-${playerId}`)).text);
    beforeMove = sofar.at(-1)!.position;
    expect((await client.act({ action_type: 'move', direction: 'north' })).result).toMatchObject({
      moved: true,
    });
    const talk = await client.act({
      action_type: 'talk',
      npc: 'Elder Zorathian',
      message: 'Tell me of the star.',
    });
    expect(talk.result).toMatchObject({ action_type: 'talk', npc_id: 'elder-zorathian' });
    await client.close();
  });
  afterAll(() => server?.stop());

  it('streams the players’ events as JSON lines, in global order', async () => {
    const answer = await admin('/admin/events?category=player&format=jsonl');
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^application\/x-ndjson/);
    const events = jsonLines(answer.text);
    expect(events.every((e) => e.stream.startsWith('player-'))).toBe(true);
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['PlayerRegistered', 'PlayerMoved', 'NpcConversationHeld']));
    const positions = events.map((e) => BigInt(e.position));
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1]!)).toBe(true);

    const moves = jsonLines((await admin(`/admin/events?type=PlayerMoved&player=${playerId}`)).text);
    expect(moves.map((e) => e.data)).toEqual([
      { playerId, from: 'village-square', to: 'elders-hut', direction: 'north' },
    ]);
    // The username (any case) finds the same player.
    const byName = jsonLines((await admin('/admin/events?type=PlayerMoved&player=Chronicler')).text);
    expect(byName).toEqual(moves);
  });

  it('streams the same events as CSV', async () => {
    const [csv, lines] = await Promise.all([
      admin('/admin/events?category=player&format=csv'),
      admin('/admin/events?category=player'),
    ]);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const rows = csv.text.split('\r\n').filter((row) => row !== '');
    expect(rows[0]).toBe(
      'position,stream,revision,type,timestamp,player_id,id,correlation_id,causation_id,data,metadata',
    );
    expect(rows).toHaveLength(jsonLines(lines.text).length + 1);
    const moved = rows.find((row) => row.includes(',PlayerMoved,'))!;
    const { metadata } = jsonLines(lines.text).find((e) => e.type === 'PlayerMoved') as unknown as {
      metadata: { correlationId: string; causationId: string };
    };
    expect(metadata.correlationId).toBeTruthy();
    expect(moved).toContain(`,${playerId},`);
    expect(moved).toContain(`,${metadata.correlationId},${metadata.causationId},`);
  });

  it('refuses a bad query with the parameter and the problem', async () => {
    const bad = await admin('/admin/events?from=yesterday&format=xml');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text)).toMatchObject({ error: { code: 'invalid_query' } });
    expect(JSON.parse(bad.text).error.message).toMatch(/from: not a date.*format: unknown format/);
    expect((await admin('/admin/events', 'wrong-token')).status).toBe(401);
  });

  it('shows a player where they were before the move, and where they are now', async () => {
    const then = await admin(`/admin/state/player/${playerId}?position=${beforeMove}`);
    expect(then.status).toBe(200);
    expect(JSON.parse(then.text)).toMatchObject({
      kind: 'player',
      id: playerId,
      asOf: { position: beforeMove },
      contentVersion: 'starter-2',
      state: { locationId: 'village-square', username: 'chronicler' },
    });
    const now = JSON.parse((await admin(`/admin/state/player/${playerId}`)).text);
    expect(now.state).toMatchObject({ locationId: 'elders-hut' });
  });

  it('shows what an NPC has been through, and answers 404 or 400 when it cannot', async () => {
    const elder = JSON.parse((await admin('/admin/state/npc/elder-zorathian')).text);
    expect(elder.state).toMatchObject({ npcId: 'elder-zorathian', conversations: 1 });
    expect(elder.state.lastTalk).toMatchObject({ playerId, message: 'Tell me of the star.' });
    const nobody = await admin('/admin/state/player/nobody');
    expect(nobody.status).toBe(404);
    expect(JSON.parse(nobody.text)).toMatchObject({ error: { code: 'not_found' } });
    expect((await admin(`/admin/state/dragon/${playerId}`)).status).toBe(400);
    expect((await admin(`/admin/state/player/${playerId}?position=soon`)).status).toBe(400);
  });
});
