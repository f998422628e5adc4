import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropSchema,
  reportSkipped,
  testServices,
  uniqueSchema,
} from '../src/infrastructure/testing/services.ts';
import { type Frame, GameClient, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

const postgresUrl = testServices.postgres.url;
if (!postgresUrl) reportSkipped('PostgreSQL', testServices.postgres.variable);

const positionsOf = (frames: Frame[]) =>
  frames.flatMap((f) =>
    f.type === 'events'
      ? (f.events as { position: string }[]).map((e) => BigInt(e.position))
      : f.type === 'action_result'
        ? [BigInt(f.position as string)]
        : [],
  );

/** Two game processes on one PostgreSQL schema: a player whose connection to one dies resumes on the other. */
describe.skipIf(!postgresUrl)('resuming on another game process', () => {
  const schema = uniqueSchema('resume');
  const dataDirs: string[] = [];
  const servers: TestSystem[] = [];
  const clients: GameClient[] = [];
  const env = { JWT_SECRET: randomBytes(24).toString('hex') };

  beforeAll(async () => {
    for (let n = 0; n < 2; n++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'langomni-resume-'));
      dataDirs.push(dataDir);
      servers.push(await startTestSystem({ postgresUrl: postgresUrl!, schema, dataDir, env }));
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    for (const server of servers) await server.stop();
    await dropSchema(postgresUrl!, schema);
    for (const dataDir of dataDirs) await rm(dataDir, { recursive: true, force: true });
  });

  const connect = async (server: TestSystem, token: string, after?: string) => {
    const client = await GameClient.connect(server.baseUrl, token);
    clients.push(client);
    const welcome = await client.waitFor((f) => f.type === 'welcome');
    client.sendRaw(JSON.stringify({ type: 'resume', after: after ?? welcome.position }));
    await client.waitFor((f) => f.type === 'resumed');
    return client;
  };

  it('sends what was missed on the first process, once, in order, and the in-flight action its answer', async () => {
    const suffix = randomBytes(3).toString('hex');
    const ayla = await register(servers[0]!.baseUrl, `ayla${suffix}`);
    const bran = await register(servers[0]!.baseUrl, `bran${suffix}`);
    const a = await connect(servers[0]!, ayla.token);
    const b = await connect(servers[0]!, bran.token);
    await a.act({ action_type: 'say', message: 'on the first process' });
    await b.waitFor((f) => f.type === 'event' && f.message === 'on the first process');
    const after = positionsOf(b.frames)
      .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
      .at(-1)!;

    b.sendRaw(JSON.stringify({ type: 'action', id: 'in-flight', data: { action_type: 'inventory' } }));
    b.socket.terminate();
    for (const line of ['one', 'two', 'three']) await a.act({ action_type: 'say', message: line });

    const back = await connect(servers[1]!, bran.token, String(after));
    const resumedAt = back.frames.findIndex((f) => f.type === 'resumed');
    const replay = back.frames.slice(0, resumedAt);
    const heard = replay.filter((f) => f.type === 'event').map((f) => f.message);
    expect(heard).toEqual(['one', 'two', 'three']);
    const positions = positionsOf(replay);
    expect(positions).toEqual([...positions].sort((x, y) => (x < y ? -1 : 1)));
    expect(positions.every((p) => p > after)).toBe(true);

    const answered = replay.some((f) => f.type === 'action_result' && f.id === 'in-flight');
    if (!answered)
      expect((await back.act({ action_type: 'inventory' }, 'in-flight')).type).toBe('action_result');

    const since = back.frames.length;
    await a.act({ action_type: 'say', message: 'live on the second' });
    await back.waitFor((f) => f.type === 'event' && f.message === 'live on the second', 10_000, since);
    const all = positionsOf(back.frames.filter((f) => f.type !== 'event'));
    expect(new Set(all.map(String)).size).toBe(all.length);
    expect(a.frames.filter((f) => f.type === 'event' && f.event === 'player_vanished')).toEqual([]);
  });
});
