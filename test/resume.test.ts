import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Frame, GameClient, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

/** The game frames of a connection (results and news, whole frames), in the order received. */
const gameFrames = (client: GameClient, since = 0) =>
  client.frames.slice(since).filter((f) => f.type === 'action_result' || f.type === 'events');
const positionsOf = (frames: Frame[]) =>
  frames.flatMap((f) =>
    f.type === 'events'
      ? (f.events as { position: string }[]).map((e) => BigInt(e.position))
      : [BigInt(f.position as string)],
  );
const saidBy = (client: GameClient, text: string, since = 0) =>
  client.frames
    .slice(since)
    .filter((f) => f.type === 'event' && f.event === 'player_said' && f.message === text);

/** Connects and starts the stream: resumes after `after`, or (a fresh client) after the welcome. */
async function connect(server: TestSystem, token: string, after?: string) {
  const client = await GameClient.connect(server.baseUrl, token);
  const welcome = await client.waitFor((f) => f.type === 'welcome');
  client.sendRaw(JSON.stringify({ type: 'resume', after: after ?? welcome.position }));
  await client.waitFor((f) => f.type === 'resumed' || f.type === 'resume_unavailable');
  return client;
}

/** The highest position among everything the client got. */
const lastPosition = (client: GameClient) =>
  positionsOf(gameFrames(client))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .at(-1) ?? -1n;

describe('resuming a lost connection over the real protocol', () => {
  let server: TestSystem;
  let dataDir: string;
  const clients: GameClient[] = [];
  let ayla: { token: string };
  let bran: { token: string };

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'langomni-resume-'));
    server = await startTestSystem({ dataDir });
    ayla = await register(server.baseUrl, 'ayla');
    bran = await register(server.baseUrl, 'bran');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sends every missed result and line once, in order, then resumed, then the live stream', async () => {
    const a = await connect(server, ayla.token);
    const b = await connect(server, bran.token);
    clients.push(a, b);
    expect(a.frames.find((f) => f.type === 'welcome')?.position).toMatch(/^\d+$/);
    expect(a.frames.find((f) => f.type === 'welcome')?.status).toMatchObject({
      hp: expect.any(Number),
      xp: 0,
      inventory: [],
      wielding: null,
      quests: [],
    });
    await a.act({ action_type: 'say', message: 'before the cut' });
    await b.waitFor((f) => f.type === 'event' && f.message === 'before the cut');
    const after = lastPosition(b);

    // Bran's connection dies with an action on its way; meanwhile Ayla talks and walks.
    b.sendRaw(JSON.stringify({ type: 'action', id: 'inflight-1', data: { action_type: 'look' } }));
    b.socket.terminate();
    await a.act({ action_type: 'say', message: 'you missed this' });
    await a.act({ action_type: 'move', direction: 'east' });
    await a.act({ action_type: 'move', direction: 'west' });
    await a.act({ action_type: 'say', message: 'and this' });

    const back = await connect(server, bran.token, String(after));
    clients.push(back);
    const resumedAt = back.frames.findIndex((f) => f.type === 'resumed');
    const missed = gameFrames(back).filter((f) => back.frames.indexOf(f) < resumedAt);
    expect(missed.every((f) => f.missed === true)).toBe(true);
    const told = missed.flatMap((f) =>
      f.type === 'events' ? (f.events as { text: string }[]).map((e) => e.text) : [`result ${f.id}`],
    );
    // The look was recorded before or after the cut: either way it is answered, once, in log order.
    const withoutLook = told.filter((t) => t !== 'result inflight-1');
    expect(withoutLook).toEqual([
      'ayla says: "you missed this"',
      expect.stringMatching(/^ayla leaves east/),
      expect.stringMatching(/^ayla arrives from/),
      'ayla says: "and this"',
    ]);
    const positions = positionsOf(missed);
    expect([...positions].sort((x, y) => (x < y ? -1 : 1))).toEqual(positions);
    expect(positions.every((p) => p > after)).toBe(true);
    const resumed = BigInt(back.frames[resumedAt]!.position as string);
    expect(positions.every((p) => p <= resumed)).toBe(true);

    // The action in flight: answered in the replay, or (never recorded) answered when sent again.
    if (!told.includes('result inflight-1')) {
      const again = await back.act({ action_type: 'look' }, 'inflight-1');
      expect(again.type).toBe('action_result');
    }
    // Live from here: nothing of the replay again, nothing missing.
    const since = back.frames.length;
    await a.act({ action_type: 'say', message: 'live again' });
    await back.waitFor((f) => f.type === 'event' && f.message === 'live again', 10_000, since);
    const all = positionsOf(gameFrames(back));
    expect(new Set(all.map(String)).size).toBe(all.length);
    expect(positionsOf(gameFrames(back, since)).every((p) => p > resumed)).toBe(true);
    expect(saidBy(back, 'you missed this')).toHaveLength(1);
    // Bran was away for moments: Ayla was never told he went or came back.
    const gone = a.frames.filter((f) => f.type === 'event' && f.player === 'bran');
    expect(gone.map((f) => f.event)).not.toContain('player_vanished');
  });

  it('gives one account in two windows one stream, and nobody sees the second window come or go', async () => {
    const a = await connect(server, ayla.token);
    const first = await connect(server, bran.token);
    clients.push(a, first);
    const aylaSince = a.frames.length;
    const second = await connect(server, bran.token);
    const result = await first.act({ action_type: 'say', message: 'from the first window' });
    const echoed = await second.waitFor((f) => f.type === 'action_result' && f.id === result.id);
    expect(echoed.position).toBe(result.position);
    await a.act({ action_type: 'say', message: 'to both windows' });
    await first.waitFor((f) => f.type === 'event' && f.message === 'to both windows');
    await second.waitFor((f) => f.type === 'event' && f.message === 'to both windows');
    await second.close();
    await a.act({ action_type: 'say', message: 'still here?' });
    await first.waitFor((f) => f.type === 'event' && f.message === 'still here?');
    const aboutBran = a.frames.slice(aylaSince).filter((f) => f.type === 'event' && f.player === 'bran');
    expect(aboutBran.map((f) => f.event)).toEqual(['player_said']);
  });

  it('refuses a second resume and a position that is not one, and starts afresh from one never reached', async () => {
    const b = await connect(server, bran.token);
    clients.push(b);
    b.sendRaw(JSON.stringify({ type: 'resume', id: 'r2', after: '1' }));
    expect((await b.waitFor((f) => f.id === 'r2')).code).toBe('already_resumed');
    const c = await GameClient.connect(server.baseUrl, bran.token);
    clients.push(c);
    await c.waitFor((f) => f.type === 'welcome');
    c.sendRaw(JSON.stringify({ type: 'resume', id: 'r3', after: 12 }));
    expect((await c.waitFor((f) => f.id === 'r3')).code).toBe('invalid_frame');

    // A position this log never reached (say, from before the data was reset): start afresh.
    const d = await GameClient.connect(server.baseUrl, bran.token);
    clients.push(d);
    await d.waitFor((f) => f.type === 'welcome');
    d.sendRaw(JSON.stringify({ type: 'resume', after: '999999999999' }));
    await d.waitFor((f) => f.type === 'resume_unavailable');
    const fresh = d.frames.filter((f) => f.type === 'welcome');
    await d.waitFor((f) => f.type === 'welcome' && f !== fresh[0]);
    expect(d.frames.filter((f) => f.type === 'welcome')).toHaveLength(2);
    const since = d.frames.length;
    await (await connect(server, ayla.token)).act({
      action_type: 'say',
      message: 'heard after a fresh start',
    });
    await d.waitFor((f) => f.type === 'event' && f.message === 'heard after a fresh start', 10_000, since);
  });

  it('resumes on a restarted server from the log (what this process never saw)', async () => {
    const a = await connect(server, ayla.token);
    const b = await connect(server, bran.token);
    await a.act({ action_type: 'say', message: 'before the restart' });
    await b.waitFor((f) => f.type === 'event' && f.message === 'before the restart');
    const after = lastPosition(b);
    b.socket.terminate();
    await a.act({ action_type: 'say', message: 'while you were gone' });
    await a.close();
    await Promise.all(clients.map((c) => c.close()));
    await server.stop();

    server = await startTestSystem({ dataDir });
    const back = await connect(server, bran.token, String(after));
    clients.push(back);
    expect(back.frames.some((f) => f.type === 'resumed')).toBe(true);
    expect(saidBy(back, 'while you were gone').map((f) => f.missed ?? 'in a missed frame')).toHaveLength(1);
    const missed = gameFrames(back).filter((f) => f.missed === true);
    expect(
      missed.flatMap((f) => (f.events as { text: string }[] | undefined)?.map((e) => e.text) ?? []),
    ).toContain('ayla says: "while you were gone"');
  });
});
