import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLACE_NEWS_EVENT_TYPES } from '../src/gateway/place-news.ts';
import { limits } from '../src/limits.ts';
import { type Frame, GameClient, register } from './support/game-client.ts';
import { SpectatorClient, type SseMessage } from './support/spectator-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

const SQUARE = 'village-square';
const dataOf = (message: SseMessage) => JSON.parse(message.data ?? '{}') as Record<string, unknown>;
const said = (text: string) => (m: SseMessage) => m.event === 'PlayerSaid' && dataOf(m).message === text;

describe('GET /spectate/:locationId over the real server', () => {
  let server: TestSystem;
  let stopped = false;
  let alice: GameClient;
  let bob: GameClient;
  let daveToken: string;
  const players: GameClient[] = [];
  /** Every spectator opened, still open or not: none may ever have heard anything private. */
  const spectators: SpectatorClient[] = [];
  /** What players were told privately (their own results), to be looked for in every stream. */
  const privateTexts: string[] = [];

  const join = async (token: string) => {
    const client = await GameClient.connect(server.baseUrl, token);
    players.push(client);
    await client.waitFor((f) => f.type === 'welcome');
    return client;
  };
  const act = async (client: GameClient, data: Record<string, unknown>) => {
    const frame = await client.act(data);
    expect(frame.type, JSON.stringify(frame)).toBe('action_result');
    return frame.result as Record<string, unknown> & { narration: string };
  };
  const spectate = async (locationId: string, lastEventId?: string) => {
    const opened = await SpectatorClient.open(server.baseUrl, locationId, lastEventId);
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    spectators.push(opened.client!);
    return opened.client!;
  };

  beforeAll(async () => {
    server = await startTestSystem();
    alice = await join((await register(server.baseUrl, 'alice')).token);
    bob = await join((await register(server.baseUrl, 'bob')).token);
    // Registered (spawned in the square) long before the spectators come, online only later.
    daveToken = (await register(server.baseUrl, 'dave')).token;
  });
  afterAll(async () => {
    await Promise.all([...spectators.map((s) => s.close()), ...players.map((p) => p.close())]);
    if (!stopped) await server?.stop();
  });

  it('streams what a player standing there is told, named by event type, with positions as ids', async () => {
    const spectator = await spectate(SQUARE);
    const bobSince = bob.frames.length;
    expect(spectator.response.headers.get('content-type')).toMatch(/^text\/event-stream/);

    await act(alice, { action_type: 'say', message: 'hello from alice' });
    const look = await act(bob, { action_type: 'look' });
    const inventory = await act(bob, { action_type: 'inventory' });
    privateTexts.push(look.narration, inventory.narration);
    await act(bob, { action_type: 'say', message: 'hi from bob' });
    await act(alice, { action_type: 'move', direction: 'east' });
    await act(alice, { action_type: 'move', direction: 'west' });

    await spectator.waitFor((m) => m.event === 'PlayerMoved' && dataOf(m).event === 'player_arrived');
    const events = spectator.events;
    expect(events.map((m) => [m.event, dataOf(m).event, dataOf(m).player])).toEqual([
      ['PlayerSaid', 'player_said', 'alice'],
      ['PlayerSaid', 'player_said', 'bob'],
      ['PlayerMoved', 'player_left', 'alice'],
      ['PlayerMoved', 'player_arrived', 'alice'],
    ]);

    // Exactly what bob, standing there, was told of alice's words and comings and goings.
    const told = (f: Frame) => f.type === 'event' && f.player === 'alice';
    await bob.waitFor((f) => told(f) && f.event === 'player_arrived');
    const bobHeard = bob.frames
      .slice(bobSince)
      .filter(told)
      .map(({ type: _, ...event }) => event);
    const aliceSeen = events.filter((m) => dataOf(m).player === 'alice');
    expect(aliceSeen.map((m) => ({ ...dataOf(m), position: m.id }))).toEqual(bobHeard);

    // Each id is the position of the event it reports, in increasing order.
    const ids = events.map((m) => BigInt(m.id));
    expect([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const message of events) {
      const [stored] = await server.system.store.readAll({ after: BigInt(message.id) - 1n, maxCount: 1 });
      expect(stored?.position).toBe(BigInt(message.id));
      expect(stored?.type).toBe(message.event);
    }
  });

  it('resumes from Last-Event-ID: what the place saw meanwhile, then live, each once', async () => {
    const reference = await spectate(SQUARE);
    const first = await spectate(SQUARE);
    await act(alice, { action_type: 'say', message: 'one' });
    const lastId = (await first.waitFor(said('one'))).id!;
    await first.close();

    // While nobody listens on `first`: speech, and dave (spawned here long ago) comes online and
    // goes: the replay must show him appearing here, where he was then, not where he is now.
    await act(alice, { action_type: 'say', message: 'two' });
    const dave = await join(daveToken);
    await reference.waitFor((m) => dataOf(m).text === 'dave appears.');
    await act(dave, { action_type: 'move', direction: 'east' });
    await act(bob, { action_type: 'say', message: 'three' });
    await reference.waitFor(said('three'));

    const resumed = await spectate(SQUARE, lastId);
    await resumed.waitFor(said('three'));
    await act(dave, { action_type: 'move', direction: 'west' });
    await act(dave, { action_type: 'say', message: 'four' });
    await resumed.waitFor(said('four'));
    await reference.waitFor(said('four'));

    const after = (m: SseMessage) => BigInt(m.id!) > BigInt(lastId);
    const summary = (m: SseMessage) => [m.id, m.event, dataOf(m).text];
    expect(resumed.events.map(summary)).toEqual(reference.events.filter(after).map(summary));
    expect(resumed.events.map((m) => dataOf(m).text)).toEqual([
      'alice says: "two"',
      'dave appears.',
      'dave leaves east, toward The Smithy.',
      'bob says: "three"',
      'dave arrives from The Smithy.',
      'dave says: "four"',
    ]);
  });

  it('shows a fight to whoever watches the place it happens in', async () => {
    const hollow = await spectate('wolf-hollow');
    for (const direction of ['south', 'south', 'south', 'west'])
      expect((await act(alice, { action_type: 'move', direction })).moved).toBe(true);
    const strike = await act(alice, { action_type: 'attack', target: 'wolf' });
    privateTexts.push(strike.narration);

    await hollow.waitFor((m) => m.event === 'EnemyDamaged');
    expect(hollow.events.map((m) => [m.event, dataOf(m).event])).toEqual([
      ['PlayerMoved', 'player_arrived'],
      ['EnemyDamaged', 'combat'],
    ]);
    expect(dataOf(hollow.events[1]!)).toMatchObject({
      player: 'alice',
      enemy: 'grey wolf',
      text: `alice strikes the grey wolf for ${strike.damage_dealt} damage.`,
    });
  });

  it('never sends anything private: no results, inventories, tokens, or events that are not news', () => {
    const all = spectators.flatMap((s) => s.events);
    expect(all.length).toBeGreaterThan(10);
    for (const message of all) {
      expect(PLACE_NEWS_EVENT_TYPES).toContain(message.event);
      const data = dataOf(message);
      expect(Object.keys(data).sort()).toEqual(
        expect.arrayContaining(['event', 'player', 'text'].filter((key) => key in data)),
      );
      for (const key of ['narration', 'action_type', 'inventory', 'hp', 'xp', 'location', 'token'])
        expect(data).not.toHaveProperty(key);
      for (const text of privateTexts) expect(message.data).not.toContain(text);
    }
    expect(privateTexts.length).toBe(3);
  });

  it('answers an unknown place with 404 and a malformed Last-Event-ID with 400', async () => {
    const unknown = await SpectatorClient.open(server.baseUrl, 'atlantis');
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const malformed = await SpectatorClient.open(server.baseUrl, SQUARE, 'yesterday');
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'invalid_request' } } });
  });

  it(`caps one address at ${limits.spectatorStreamsPerIp} streams at once`, async () => {
    await Promise.all(spectators.map((s) => s.close()));
    // The server hears a close a little after the client: a slot is free again a moment later.
    const openWhenFree = async () => {
      for (let tries = 0; ; tries++) {
        const opened = await SpectatorClient.open(server.baseUrl, SQUARE);
        if (opened.status !== 429 || tries >= 20) return opened;
      }
    };
    for (let i = 0; i < limits.spectatorStreamsPerIp; i++) {
      const opened = await openWhenFree();
      expect(opened.status, JSON.stringify(opened.body)).toBe(200);
      spectators.push(opened.client!);
    }
    const refused = await SpectatorClient.open(server.baseUrl, SQUARE);
    expect(refused).toMatchObject({ status: 429, body: { error: { code: 'too_many_streams' } } });
    await spectators.pop()!.close();
    const again = await openWhenFree();
    expect(again.status).toBe(200);
    spectators.push(again.client!);
  });

  it('ends open streams when the server stops, without holding the stop', async () => {
    const open = spectators.slice(-limits.spectatorStreamsPerIp);
    await server.stop();
    stopped = true;
    await Promise.all(open.map((s) => s.ended));
    expect(open.map((s) => s.endedBy)).toEqual(open.map(() => 'server'));
  });
});
