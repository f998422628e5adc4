import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { EventStore, StoredEvent } from '../src/infrastructure/event-store/event-store.ts';
import {
  dropSchema,
  reportSkipped,
  testServices,
  uniqueSchema,
} from '../src/infrastructure/testing/services.ts';
import { limits } from '../src/limits.ts';
import { connectPacer, type Frame, GameClient, register } from './support/game-client.ts';
import { spawnServer } from './support/spawn-server.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

// 30 s in production; long enough here to reconnect well within it on a loaded runner.
vi.mock('../src/limits.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/limits.ts')>();
  return { ...original, limits: { ...original.limits, reconnectGraceMs: 8_000 } };
});

/** A player's connection that can be cut as a lost network would: no close frame, the TCP socket gone. */
async function cuttableConnection(baseUrl: string, token: string) {
  await connectPacer.slot();
  let tcp: Socket | undefined;
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, {
    headers: { authorization: `Bearer ${token}` },
    createConnection: (options: object) => {
      tcp = createConnection(options as unknown as Parameters<typeof createConnection>[0]);
      return tcp;
    },
  });
  const welcome = new Promise<Frame>((resolve, reject) => {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.type === 'welcome') resolve(frame);
    });
    socket.once('error', reject);
  });
  const { session_id: sessionId } = (await welcome) as Frame & { session_id: string };
  return {
    sessionId,
    cut: () => {
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      tcp?.destroy();
    },
  };
}

const sessionEnd = async (store: EventStore, playerId: string, sessionId: string) =>
  (await store.readStream(`player-${playerId}`)).find(
    (e): e is StoredEvent<{ sessionId: string; otherSessions?: number }> =>
      e.type === 'PlayerLeftWorld' && (e.data as { sessionId: string }).sessionId === sessionId,
  );

/** Polls the store until the session's end is recorded (well past the grace). */
async function untilSessionEnd(store: EventStore, playerId: string, sessionId: string) {
  const deadline = Date.now() + limits.reconnectGraceMs + 30_000;
  for (;;) {
    const event = await sessionEnd(store, playerId, sessionId);
    if (event || Date.now() > deadline) return event;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const vanished = (name: string) => (f: Frame) =>
  f.type === 'event' && f.event === 'player_vanished' && f.player === name;
const appeared = (name: string) => (f: Frame) =>
  f.type === 'event' && f.event === 'player_appeared' && f.player === name;
const said = (message: string) => (f: Frame) =>
  f.type === 'event' && f.event === 'player_said' && f.message === message;

describe('a lost connection keeps its player in the world for limits.reconnectGraceMs', () => {
  let server: TestSystem;
  let bob: GameClient;
  const clients: GameClient[] = [];

  const join = async (token: string) => {
    const client = await GameClient.connect(server.baseUrl, token);
    clients.push(client);
    await client.waitFor((f) => f.type === 'welcome');
    return client;
  };
  const leftWorld = (playerId: string, sessionId: string) =>
    sessionEnd(server.system.store, playerId, sessionId);
  const untilLeft = (playerId: string, sessionId: string) =>
    untilSessionEnd(server.system.store, playerId, sessionId);

  beforeAll(async () => {
    server = await startTestSystem();
    bob = await join((await register(server.baseUrl, 'bob')).token);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await server?.stop();
  });

  it('a player who comes back in time is never seen to fade nor to appear again', async () => {
    const ayla = await register(server.baseUrl, 'ayla');
    const first = await cuttableConnection(server.baseUrl, ayla.token);
    await bob.waitFor(appeared('ayla'));
    const bobSince = bob.frames.length;

    first.cut();
    const again = await join(ayla.token);
    // The first session ends only after the grace, with the second still open.
    const left = await untilLeft(ayla.player_id, first.sessionId);
    expect(left?.data.otherSessions).toBe(1);

    // Anything Bob was told about Ayla's comings and goings came before this line.
    await again.act({ action_type: 'say', message: 'still here' });
    await bob.waitFor(said('still here'), 10_000, bobSince);
    const told = bob.frames.slice(bobSince);
    expect(told.filter(vanished('ayla'))).toEqual([]);
    expect(told.filter(appeared('ayla'))).toEqual([]);
    await again.close();
    await bob.waitFor(vanished('ayla'), 10_000, bobSince);
  });

  it('a player who does not come back fades from view once the grace has passed', async () => {
    const cara = await register(server.baseUrl, 'cara');
    const connection = await cuttableConnection(server.baseUrl, cara.token);
    await bob.waitFor(appeared('cara'));
    const bobSince = bob.frames.length;

    const cutAt = Date.now();
    connection.cut();
    const fade = await bob.waitFor(vanished('cara'), limits.reconnectGraceMs + 20_000, bobSince);
    expect(fade.text).toBe('cara fades from view.');
    const left = await leftWorld(cara.player_id, connection.sessionId);
    expect(left?.data.otherSessions).toBeUndefined();
    // Recorded no sooner than the grace after the cut (the server can only have seen it later; a few
    // ms of slack for the timer's clock, which is not the wall clock).
    expect(Date.parse(left!.metadata.timestamp) - cutAt).toBeGreaterThan(limits.reconnectGraceMs - 50);
  });
});

const postgresUrl = testServices.postgres.url;
if (!postgresUrl) reportSkipped('PostgreSQL', testServices.postgres.variable);
const LEASE_TTL_MS = 2_000;

// Two processes on PostgreSQL: the survivor's reaper keeps the dead process's sessions for the grace.
describe.skipIf(!postgresUrl)('a player whose process died, back on another within the grace', () => {
  const schema = uniqueSchema('grace');
  const jwtSecret = randomBytes(24).toString('hex');
  let survivor: TestSystem | undefined;
  let doomed: ChildProcess | undefined;
  let dataDir: string | undefined;
  const clients: GameClient[] = [];
  afterAll(async () => {
    doomed?.kill('SIGKILL');
    await Promise.all(clients.map((client) => client.close()));
    await survivor?.stop();
    if (postgresUrl) await dropSchema(postgresUrl, schema);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** Once the dead process's lease has run out (by PostgreSQL's clock). */
  async function untilLeaseRanOut() {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      for (;;) {
        const { rows } = await client.query<{ expired: number }>(
          `select count(*)::int as expired from "${schema}".process_leases where expires_at <= now()`,
        );
        if ((rows[0]?.expired ?? 0) > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await client.end();
    }
  }

  it('is never seen to fade by those around', async () => {
    const env = {
      PROCESS_LEASE_TTL_MS: String(LEASE_TTL_MS),
      RECONNECT_GRACE_MS: String(limits.reconnectGraceMs),
      JWT_SECRET: jwtSecret,
    };
    survivor = await startTestSystem({ postgresUrl, schema, env });
    dataDir = await mkdtemp(join(tmpdir(), 'langomni-grace-'));
    const spawned = await spawnServer({
      ...env,
      DATABASE_URL: postgresUrl!,
      DATABASE_SCHEMA: schema,
      DATA_DIR: dataDir,
    });
    doomed = spawned.child;
    const bob = await GameClient.connect(survivor.baseUrl, (await register(survivor.baseUrl, 'bob')).token);
    clients.push(bob);
    await bob.waitFor((f) => f.type === 'welcome');
    const ayla = await register(survivor.baseUrl, 'ayla');
    const first = await cuttableConnection(spawned.baseUrl, ayla.token);
    await bob.waitFor(appeared('ayla'));
    const bobSince = bob.frames.length;

    // A crash: the process says no goodbye; Ayla is back only once its lease has run out (and the
    // survivor's reaper has had time to look), so without the grace she would have faded already.
    first.cut();
    doomed.kill('SIGKILL');
    await spawned.exited;
    await untilLeaseRanOut();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const again = await GameClient.connect(survivor.baseUrl, ayla.token);
    clients.push(again);
    await again.waitFor((f) => f.type === 'welcome');

    const left = await untilSessionEnd(survivor.system.store, ayla.player_id, first.sessionId);
    expect(left?.data.otherSessions).toBe(1);
    await again.act({ action_type: 'say', message: 'back from the crash' });
    await bob.waitFor(said('back from the crash'), 10_000, bobSince);
    const told = bob.frames.slice(bobSince);
    expect(told.filter(vanished('ayla'))).toEqual([]);
    expect(told.filter(appeared('ayla'))).toEqual([]);
  }, 120_000);
});
