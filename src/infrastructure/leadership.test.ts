import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AdvisoryLockLeadership, AloneLeadership, advisoryLockKey } from './leadership.ts';
import { createLogger } from './logger.ts';
import { reportSkipped, testServices } from './testing/services.ts';

const logger = createLogger('silent', false);
const RETRY_MS = 100;

async function waitUntil(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${what} not met in time`);
}

describe('AloneLeadership', () => {
  it('leads from start to stop, and a start that fails is undone and thrown back', async () => {
    const calls: string[] = [];
    const alone = new AloneLeadership({
      onElected: async () => void calls.push('elected'),
      onDeposed: async () => void calls.push('deposed'),
    });
    expect(alone.status().role).toBe('standby');
    await alone.start();
    expect(alone.isLeader).toBe(true);
    expect(alone.status().role).toBe('leader');
    await alone.stop();
    expect(alone.isLeader).toBe(false);
    expect(calls).toEqual(['elected', 'deposed']);

    const failing = new AloneLeadership({
      onElected: async () => {
        throw new Error('no tables');
      },
      onDeposed: async () => void calls.push('undone'),
    });
    await expect(failing.start()).rejects.toThrow('no tables');
    expect(failing.isLeader).toBe(false);
    expect(calls.at(-1)).toBe('undone');
  });
});

it('derives a different lock key for each name and schema', () => {
  expect(advisoryLockKey('langomni:projections', 'a')).toBe(advisoryLockKey('langomni:projections', 'a'));
  expect(advisoryLockKey('langomni:projections', 'a')).not.toBe(advisoryLockKey('langomni:projections', 'b'));
  expect(advisoryLockKey('langomni:projections')).not.toBe(advisoryLockKey('langomni:other'));
});

const url = testServices.postgres.url;
if (url) {
  describe('AdvisoryLockLeadership on PostgreSQL', () => {
    const contenders: AdvisoryLockLeadership[] = [];
    const admin = new pg.Client({ connectionString: url });
    const connected = admin.connect();
    afterEach(async () => {
      for (const contender of contenders.splice(0)) await contender.stop();
    });
    afterAll(() => admin.end());

    /** A contender whose elections and depositions are written to `log` as `<label> elected|deposed`. */
    const contender = (label: string, name: string, log: string[], schema?: string) => {
      const leadership = new AdvisoryLockLeadership({
        url,
        name,
        ...(schema ? { schema } : {}),
        retryEveryMs: RETRY_MS,
        logger,
        onElected: async () => void log.push(`${label} elected`),
        onDeposed: async () => void log.push(`${label} deposed`),
      });
      contenders.push(leadership);
      return leadership;
    };
    const uniqueName = () => `test:leadership:${randomBytes(4).toString('hex')}`;

    /** The backend holding the lock: a bigint key shows in pg_locks as classid (high half) and objid (low half). */
    const holder = async (leadership: AdvisoryLockLeadership): Promise<number | undefined> => {
      await connected;
      const key = BigInt.asUintN(64, leadership.key);
      const { rows } = await admin.query<{ pid: number }>(
        `select pid from pg_locks
         where locktype = 'advisory' and granted and objsubid = 1 and classid = $1::bigint::oid and objid = $2::bigint::oid`,
        [(key >> 32n).toString(), (key & 0xffffffffn).toString()],
      );
      expect(rows.length).toBeLessThanOrEqual(1);
      return rows[0]?.pid;
    };

    it('elects exactly one of two contenders', async () => {
      const log: string[] = [];
      const name = uniqueName();
      const a = contender('a', name, log);
      const b = contender('b', name, log);
      await Promise.all([a.start(), b.start()]);
      // Several retry periods: the standby keeps trying and keeps failing.
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS * 5));
      expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatch(/^[ab] elected$/);
      const [leader, standby] = a.isLeader ? [a, b] : [b, a];
      expect(leader.status().role).toBe('leader');
      expect(standby.status().role).toBe('standby');
      expect(await holder(leader)).toBeTypeOf('number');
    });

    it('the standby takes over when the leader loses its connection, and the old leader is deposed', async () => {
      const log: string[] = [];
      const name = uniqueName();
      const a = contender('a', name, log);
      await a.start();
      expect(a.isLeader).toBe(true);
      const b = contender('b', name, log);
      await b.start();
      expect(b.isLeader).toBe(false);

      const pid = await holder(a);
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await waitUntil(() => b.isLeader && !a.isLeader, 'b leads, a does not');
      // The server released the lock at once: b may take it before a notices.
      expect(log[0]).toBe('a elected');
      expect([...log].sort()).toEqual(['a deposed', 'a elected', 'b elected']);
      expect(await holder(b)).not.toBe(pid);

      // The old leader is a standby again, on a new connection: it takes over when b goes.
      await b.stop();
      await waitUntil(() => a.isLeader, 'a leads again');
      expect(log.slice(3)).toEqual(['b deposed', 'a elected']);
    });

    it('stop() of the leader stops its work before the standby starts', async () => {
      const log: string[] = [];
      const name = uniqueName();
      const a = contender('a', name, log);
      await a.start();
      const b = contender('b', name, log);
      await b.start();
      await a.stop();
      expect(a.isLeader).toBe(false);
      await waitUntil(() => b.isLeader, 'b leads');
      expect(log).toEqual(['a elected', 'a deposed', 'b elected']);
    });

    it('an onElected that throws gives the lock up, is undone, and is tried again later', async () => {
      const log: string[] = [];
      const name = uniqueName();
      let failures = 1;
      const a = new AdvisoryLockLeadership({
        url,
        name,
        retryEveryMs: RETRY_MS,
        logger,
        onElected: async () => {
          log.push('a elected');
          if (failures-- > 0) throw new Error('the read models would not start');
        },
        onDeposed: async () => void log.push('a deposed'),
      });
      contenders.push(a);
      await a.start();
      expect(a.isLeader).toBe(false);
      expect(log).toEqual(['a elected', 'a deposed']);
      expect(await holder(a)).toBeUndefined();
      await waitUntil(() => a.isLeader, 'a leads at a later try');
      expect(log).toEqual(['a elected', 'a deposed', 'a elected']);
    });

    it('elects a leader per schema', async () => {
      const log: string[] = [];
      const name = uniqueName();
      const a = contender('a', name, log, 'game_one');
      const b = contender('b', name, log, 'game_two');
      await Promise.all([a.start(), b.start()]);
      expect(a.isLeader && b.isLeader).toBe(true);
    });
  });
} else {
  describe('AdvisoryLockLeadership on PostgreSQL', () => {
    it.skip(`skipped: no PostgreSQL (set ${testServices.postgres.variable})`, () => {});
  });
  reportSkipped('PostgreSQL', testServices.postgres.variable);
}
