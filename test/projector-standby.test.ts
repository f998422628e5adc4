import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  dropSchema,
  reportSkipped,
  testServices,
  uniqueSchema,
} from '../src/infrastructure/testing/services.ts';
import { type FleetProcess, fleetTails, spawnRole, stopProcess } from './support/process-fleet.ts';
import { registerPolitely } from './support/roaming-player.ts';

/*
 * Two projectors (PROCESS_ROLE=projector) and a game on one PostgreSQL schema and Redis prefix: one
 * projector leads, the other stands by; the leader is killed (SIGKILL) and the standby takes over and
 * brings every read model up to the log's head, including what was written while nobody led.
 */

const postgresUrl = testServices.postgres.url;
const redisUrl = testServices.redis.url;
const servicesReady = Boolean(postgresUrl && redisUrl);
if (!servicesReady)
  reportSkipped(
    'PostgreSQL and Redis',
    `${testServices.postgres.variable} and ${testServices.redis.variable}`,
  );

interface ProcessHealth {
  role: string;
  projections: { role: 'leader' | 'standby'; since: string } | string;
}

async function healthOf(process: FleetProcess): Promise<ProcessHealth | undefined> {
  try {
    const response = await fetch(`${process.baseUrl}/health`);
    const body = (await response.json()) as { components?: { process?: ProcessHealth } };
    return body.components?.process;
  } catch {
    return undefined;
  }
}

const leads = async (process: FleetProcess) => {
  const projections = (await healthOf(process))?.projections;
  return typeof projections === 'object' && projections.role === 'leader';
};

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

describe.skipIf(!servicesReady)('a standby projector takes over the read models', () => {
  const schema = uniqueSchema('standby');
  const fleet: FleetProcess[] = [];
  const dataDirs: string[] = [];
  const db = new pg.Pool({ connectionString: postgresUrl, max: 2 });
  afterAll(async () => {
    await Promise.all(fleet.map((process) => stopProcess(process, 'SIGKILL')));
    await db.end();
    await dropSchema(postgresUrl!, schema);
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  /** No read model has an event left to take, as the process that keeps them reports it. */
  const caughtUp = (process: FleetProcess) => async () => {
    const response = await fetch(`${process.baseUrl}/admin/projections`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    }).catch(() => undefined);
    if (!response?.ok) return false;
    const projections = (await response.json()) as { status: string; lag_events: number }[];
    return projections.length > 0 && projections.every((p) => p.status === 'running' && p.lag_events === 0);
  };

  it('one leads, one stands by; when the leader dies the other leads and catches up', async () => {
    const env = async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'langomni-standby-'));
      dataDirs.push(dataDir);
      return {
        DATA_DIR: dataDir,
        DATABASE_URL: postgresUrl!,
        DATABASE_SCHEMA: schema,
        REDIS_URL: redisUrl!,
        REDIS_PREFIX: `test:${schema}:`,
        JWT_SECRET: JWT,
        ADMIN_TOKEN,
        PROCESS_LEASE_TTL_MS: '5000',
      };
    };
    const game = await spawnRole('game', 'game', await env());
    fleet.push(game);
    const [first, second] = await Promise.all([
      spawnRole('projector-1', 'projector', await env()),
      spawnRole('projector-2', 'projector', await env()),
    ]);
    fleet.push(first!, second!);
    const tails = () => `\n${fleetTails(fleet)}`;

    await until(async () => (await leads(first!)) !== (await leads(second!)), `exactly one leader${tails()}`);
    const [leader, standby] = (await leads(first!)) ? [first!, second!] : [second!, first!];
    expect((await healthOf(game))?.projections, tails()).toMatch(/off/);
    await registerPolitely(game.baseUrl, `before${randomBytes(3).toString('hex')}`);
    await until(caughtUp(leader), `read models caught up under the first leader${tails()}`);

    await stopProcess(leader, 'SIGKILL');
    // Written while the standby has not taken over yet.
    await registerPolitely(game.baseUrl, `during${randomBytes(3).toString('hex')}`);
    await until(() => leads(standby), `the standby leads${tails()}`);
    await registerPolitely(game.baseUrl, `after${randomBytes(3).toString('hex')}`);
    await until(caughtUp(standby), `read models caught up under the new leader${tails()}`);
    const { rows } = await db.query<{ count: string }>(`select count(*) from ${schema}.rm_players`);
    expect(Number(rows[0]?.count), tails()).toBe(3);
  }, 240_000);
});

const JWT = randomBytes(24).toString('hex');
const ADMIN_TOKEN = randomBytes(24).toString('hex');
