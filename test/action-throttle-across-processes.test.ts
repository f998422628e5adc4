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
import { dropRedisPrefix } from './support/fresh-rebuild.ts';
import { type Frame, GameClient, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

const postgresUrl = testServices.postgres.url;
const redisUrl = testServices.redis.url;
const servicesReady = Boolean(postgresUrl && redisUrl);
if (!servicesReady)
  reportSkipped(
    'PostgreSQL and Redis',
    `${testServices.postgres.variable} and ${testServices.redis.variable}`,
  );

const isAnswer = (id: string) => (f: Frame) =>
  f.id === id && (f.type === 'action_result' || f.type === 'error');

/**
 * Two game servers on one PostgreSQL schema and one Redis prefix, as two processes behind a load
 * balancer are: one player's connections to both share the per-player action limit.
 */
describe.skipIf(!servicesReady)('the per-player action limit across two game processes', () => {
  const schema = uniqueSchema('throttle');
  const dataDirs: string[] = [];
  const servers: TestSystem[] = [];
  const clients: GameClient[] = [];
  const env = { JWT_SECRET: randomBytes(24).toString('hex') };

  beforeAll(async () => {
    for (let n = 0; n < 2; n++) {
      const dataDir = await mkdtemp(join(tmpdir(), 'langomni-throttle-'));
      dataDirs.push(dataDir);
      // The first creates the schema; the second joins it.
      servers.push(
        await startTestSystem({ postgresUrl: postgresUrl!, redisUrl: redisUrl!, schema, dataDir, env }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    for (const server of servers) await server.stop();
    await dropSchema(postgresUrl!, schema);
    await dropRedisPrefix(redisUrl!, `test:${schema}:`);
    for (const dataDir of dataDirs) await rm(dataDir, { recursive: true, force: true });
  });

  it('gives a player with a connection to each process 4 actions at once in total, not 4 each', async () => {
    const { token } = await register(servers[0]!.baseUrl, `twice${randomBytes(3).toString('hex')}`);
    for (const server of servers) {
      const client = await GameClient.connect(server.baseUrl, token);
      clients.push(client);
      await client.waitFor((f) => f.type === 'welcome');
    }
    const ids = clients.flatMap((_, c) => Array.from({ length: 6 }, (_, i) => `c${c}-a${i}`));
    for (const id of ids)
      clients[Number(id[1])]!.sendRaw(JSON.stringify({ type: 'action', id, data: { action_type: 'look' } }));
    const answers = await Promise.all(ids.map((id) => clients[Number(id[1])]!.waitFor(isAnswer(id))));
    const results = answers.filter((a) => a.type === 'action_result');
    const limited = answers.filter((a) => a.code === 'rate_limited');
    // Five only if a token was refilled (250 ms) while the frames were on their way; each process alone would allow 8.
    expect(results.length).toBeGreaterThanOrEqual(4);
    expect(results.length).toBeLessThanOrEqual(5);
    expect(limited.length).toBe(ids.length - results.length);
  });
});
