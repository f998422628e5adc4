import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  dropSchema,
  reportSkipped,
  testServices,
  uniqueSchema,
} from '../src/infrastructure/testing/services.ts';
import { gateAppends, playerAppendOf } from './support/append-gate.ts';
import { type Frame, GameClient, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

const backends: { name: string; postgresUrl?: string }[] = [{ name: 'embedded (PGlite)' }];
if (testServices.postgres.url)
  backends.push({ name: 'PostgreSQL server', postgresUrl: testServices.postgres.url });
else reportSkipped('PostgreSQL', testServices.postgres.variable);

const look = { action_type: 'look' };
const isAnswer = (id: string) => (f: Frame) =>
  f.id === id && (f.type === 'action_result' || f.type === 'error');
const sendAction = (client: GameClient, id: string | undefined, data: Record<string, unknown> = look) =>
  client.sendRaw(JSON.stringify({ type: 'action', ...(id === undefined ? {} : { id }), data }));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let names = 0;
const uniqueName = (prefix: string) => `${prefix}${Date.now().toString(36).slice(-5)}${names++}`;

/** Registers as a polite client would: a server still busy starting answers 503 server_busy; wait and retry. */
async function registerPatiently(baseUrl: string, username: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await register(baseUrl, username);
    } catch (error) {
      if (attempt >= 10 || !String(error).includes('server_busy')) throw error;
      await pause(500);
    }
  }
}

describe.each(backends)('the action path on $name', ({ postgresUrl }) => {
  let server: TestSystem;
  let gate: ReturnType<typeof gateAppends>;
  const clients: GameClient[] = [];

  const player = async (prefix: string) => {
    const { token, player_id } = await registerPatiently(server.baseUrl, uniqueName(prefix));
    return { token, playerId: player_id };
  };
  const connect = async (token: string) => {
    const client = await GameClient.connect(server.baseUrl, token);
    clients.push(client);
    await client.waitFor((f) => f.type === 'welcome');
    return client;
  };
  const streamOf = (playerId: string) => server.system.store.readStream(`player-${playerId}`);
  const countOf = async (playerId: string, type: string) =>
    (await streamOf(playerId)).filter((event) => event.type === type).length;

  beforeAll(async () => {
    server = await startTestSystem(postgresUrl ? { postgresUrl } : {});
    gate = gateAppends(server.system.store);
  });
  afterEach(() => {
    gate.restore();
    gate = gateAppends(server.system.store);
  });
  afterAll(async () => {
    gate?.restore();
    await Promise.all(clients.map((c) => c.close()));
    await server?.stop();
  });

  it('limits a player to 4 actions per second across all their connections', async () => {
    const { token } = await player('many');
    const sockets = [await connect(token), await connect(token), await connect(token)];
    const ids = sockets.flatMap((_, s) => Array.from({ length: 6 }, (_, i) => `s${s}-a${i}`));
    for (const id of ids) sendAction(sockets[Number(id[1])]!, id);
    const answers = await Promise.all(ids.map((id) => sockets[Number(id[1])]!.waitFor(isAnswer(id))));
    const results = answers.filter((a) => a.type === 'action_result');
    const limited = answers.filter((a) => a.code === 'rate_limited');
    expect(results.length).toBeGreaterThanOrEqual(4);
    expect(results.length).toBeLessThanOrEqual(5);
    expect(limited.length).toBe(ids.length - results.length);
    expect(limited[0]).toMatchObject({ retry_after_ms: expect.any(Number) });
  });

  it('closes the oldest connection when a player opens a fourth', async () => {
    const { token } = await player('four');
    const first = await connect(token);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      first.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    const others = [await connect(token), await connect(token), await connect(token)];
    expect(await closed).toMatchObject({
      code: 4409,
      reason: expect.stringMatching(/at most 3 connections/),
    });
    for (const other of others) expect(other.socket.readyState).toBe(other.socket.OPEN);
    const answer = await others[0]!.act(look);
    expect(answer.type).toBe('action_result');
  });

  it('answers a ping at once while an action waits for the store', async () => {
    const { token, playerId } = await player('ping');
    const client = await connect(token);
    const hold = gate.hold(playerAppendOf(playerId, 'ActionRequested'));
    sendAction(client, 'held');
    await hold.reached;
    sendAction(client, 'behind');
    client.sendRaw(JSON.stringify({ type: 'ping', id: 'p1' }));
    expect(await client.waitFor((f) => f.id === 'p1')).toMatchObject({ type: 'pong' });
    expect(client.frames.some(isAnswer('held'))).toBe(false);
    await pause(300);
    const releasedAt = Date.now();
    hold.release();
    expect(await client.waitFor(isAnswer('held'))).toMatchObject({ type: 'action_result' });
    expect(await client.waitFor(isAnswer('behind'))).toMatchObject({ type: 'action_result' });
    // Both are recorded in the order they arrived, each at the time it arrived (not when its turn came).
    const requested = (await streamOf(playerId)).filter((e) => e.type === 'ActionRequested');
    expect(requested).toHaveLength(2);
    const [heldAt, behindAt] = requested.map((e) => Date.parse(e.metadata.timestamp));
    expect(heldAt).toBeLessThanOrEqual(behindAt!);
    expect(behindAt).toBeLessThan(releasedAt);
  });

  it('does not rate limit a client paced at 4 per second while appends are slow', async () => {
    const { token, playerId } = await player('paced');
    const client = await connect(token);
    const hold = gate.hold(playerAppendOf(playerId, 'ActionRequested'));
    setTimeout(() => hold.release(), 1_500);
    const answers = await Promise.all(Array.from({ length: 8 }, () => client.act(look)));
    expect(answers.map((a) => a.code ?? a.type)).toEqual(Array(8).fill('action_result'));
    expect(hold.counts.passed).toBeGreaterThan(1);
    expect(await countOf(playerId, 'ActionRequested')).toBe(8);
  });

  it('answers action_timeout with recorded:false when the store cannot take the action, and nothing happens', async () => {
    const { token, playerId } = await player('stall');
    const client = await connect(token);
    const hold = gate.hold(playerAppendOf(playerId, 'ActionRequested'));
    sendAction(client, 'stalled');
    const answer = await client.waitFor(isAnswer('stalled'));
    expect(answer).toMatchObject({ type: 'error', code: 'action_timeout', recorded: false });
    expect(hold.counts).toMatchObject({ withdrawn: 1, passed: 0 });
    hold.release();
    await pause(1_000);
    expect(await countOf(playerId, 'ActionRequested')).toBe(0);
    expect(client.frames.filter((f) => f.id === 'stalled')).toHaveLength(1);

    // Nothing was recorded, so the same id is simply tried again.
    gate.restore();
    sendAction(client, 'stalled');
    const retried = await client.waitFor((f) => f.id === 'stalled' && f.type === 'action_result');
    expect(retried.replayed).toBeUndefined();
    expect(await countOf(playerId, 'ActionRequested')).toBe(1);
  });

  it('answers action_timeout with recorded:true when the outcome is late, then delivers the outcome', async () => {
    const { token, playerId } = await player('late');
    const client = await connect(token);
    const hold = gate.hold(playerAppendOf(playerId, 'ActionResolved'));
    sendAction(client, 'slow');
    const timeout = await client.waitFor(isAnswer('slow'));
    expect(timeout).toMatchObject({ type: 'error', code: 'action_timeout', recorded: true });
    expect(await countOf(playerId, 'ActionRequested')).toBe(1);
    hold.release();
    const result = await client.waitFor((f) => f.id === 'slow' && f.type === 'action_result');
    expect(result).toMatchObject({ late: true, result: { action_type: 'look' } });
  });

  it('answers a retry with the first outcome, replayed, and records the action once', async () => {
    const { token, playerId } = await player('retry');
    const client = await connect(token);
    sendAction(client, 'once', { action_type: 'move', direction: 'north' });
    const first = await client.waitFor(isAnswer('once'));
    expect(first).toMatchObject({ type: 'action_result', result: { moved: true } });
    expect(first.replayed).toBeUndefined();

    sendAction(client, 'once', { action_type: 'move', direction: 'north' });
    const again = await client.waitFor((f) => f.id === 'once' && f.replayed === true);
    expect(again).toMatchObject({ type: 'action_result', source: first.source });
    expect(again.result).toEqual(first.result);
    expect(await countOf(playerId, 'ActionRequested')).toBe(1);
    expect(await countOf(playerId, 'PlayerMoved')).toBe(1);

    // A retry of an action still waiting is answered when the outcome comes.
    const hold = gate.hold(playerAppendOf(playerId, 'ActionResolved'));
    sendAction(client, 'twice');
    await hold.reached;
    sendAction(client, 'twice');
    hold.release();
    const [original, repeat] = await Promise.all([
      client.waitFor((f) => f.id === 'twice' && f.type === 'action_result' && !f.replayed),
      client.waitFor((f) => f.id === 'twice' && f.type === 'action_result' && f.replayed === true),
    ]);
    expect(repeat.result).toEqual(original.result);
    expect(await countOf(playerId, 'ActionRequested')).toBe(2);
  });

  it('refuses an id used again for a different action', async () => {
    const { token, playerId } = await player('reuse');
    const client = await connect(token);
    sendAction(client, 'mine');
    expect(await client.waitFor(isAnswer('mine'))).toMatchObject({ type: 'action_result' });
    sendAction(client, 'mine', { action_type: 'move', direction: 'north' });
    expect(await client.waitFor((f) => f.id === 'mine' && f.type === 'error')).toMatchObject({
      code: 'id_reused',
    });

    // Straight after the first: still waiting for its outcome, or just resolved; refused either way.
    sendAction(client, 'busy');
    sendAction(client, 'busy', { action_type: 'inventory' });
    expect(await client.waitFor((f) => f.id === 'busy' && f.type === 'error')).toMatchObject({
      code: 'id_reused',
    });
    expect(await client.waitFor((f) => f.id === 'busy' && f.type === 'action_result')).toMatchObject({
      result: { action_type: 'look' },
    });
    expect(await countOf(playerId, 'ActionRequested')).toBe(2);
  });

  it('does not deduplicate frames without an id', async () => {
    const { token, playerId } = await player('noid');
    const client = await connect(token);
    sendAction(client, undefined);
    sendAction(client, undefined);
    await client.waitFor(
      (f) =>
        f.type === 'action_result' && client.frames.filter((g) => g.type === 'action_result').length === 2,
    );
    const results = client.frames.filter((f) => f.type === 'action_result');
    expect(results.every((f) => f.id === undefined && f.replayed === undefined)).toBe(true);
    expect(await countOf(playerId, 'ActionRequested')).toBe(2);
  });
});

describe.each(backends)('retries across a restart on $name', ({ postgresUrl }) => {
  let dataDir: string;
  const schema = postgresUrl ? uniqueSchema('restart') : undefined;
  const data = () => ({ dataDir, ...(postgresUrl ? { postgresUrl, schema: schema! } : {}) });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'langomni-restart-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (postgresUrl && schema) await dropSchema(postgresUrl, schema);
  });

  it('replays the first outcome to a retry after the server restarted on the same data', async () => {
    const before = await startTestSystem(data());
    let token: string;
    let playerId: string;
    let first: Frame;
    try {
      ({ token, player_id: playerId } = await registerPatiently(before.baseUrl, uniqueName('phoenix')));
      const client = await GameClient.connect(before.baseUrl, token);
      await client.waitFor((f) => f.type === 'welcome');
      sendAction(client, 'survives', { action_type: 'move', direction: 'north' });
      first = await client.waitFor(isAnswer('survives'));
      await client.close();
    } finally {
      await before.stop();
    }
    expect(first).toMatchObject({ type: 'action_result', result: { moved: true } });

    const after = await startTestSystem(data());
    try {
      const client = await GameClient.connect(after.baseUrl, token);
      await client.waitFor((f) => f.type === 'welcome');
      sendAction(client, 'survives', { action_type: 'move', direction: 'north' });
      const again = await client.waitFor(isAnswer('survives'));
      expect(again).toMatchObject({ type: 'action_result', replayed: true });
      expect(again.result).toEqual(first.result);
      const stream = await after.system.store.readStream(`player-${playerId}`);
      expect(stream.filter((e) => e.type === 'ActionRequested')).toHaveLength(1);
      expect(stream.filter((e) => e.type === 'PlayerMoved')).toHaveLength(1);
      await client.close();
    } finally {
      await after.stop();
    }
  });
});
