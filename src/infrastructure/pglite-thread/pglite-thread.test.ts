import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedStartParams } from '../pglite-tuning.ts';
import { PgliteThread } from './pglite-thread.ts';

describe('PGlite in a thread of its own, driven by node-postgres', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(dataDir?: string, onLost?: (error: Error) => void) {
    const thread = await PgliteThread.start(
      { startParams: embeddedStartParams(), ...(dataDir ? { dataDir } : {}) },
      onLost,
    );
    const pool = new pg.Pool(thread.pgConfig());
    pool.on('error', () => {});
    cleanups.push(async () => {
      await pool.end().catch(() => {});
      await thread.close();
    });
    return { thread, pool };
  }

  it('runs parameterised queries, transactions and concurrent statements one after another', async () => {
    const { pool } = await open();
    await pool.query('create table notes (id int primary key, body text not null)');
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('insert into notes values ($1, $2), ($3, $4)', [1, 'one', 2, 'two']);
      await client.query('commit');
    } finally {
      client.release();
    }
    await Promise.all(
      [3, 4, 5, 6].map((id) => pool.query('insert into notes values ($1, $2)', [id, `n${id}`])),
    );
    const { rows } = await pool.query<{ id: number; body: string }>('select id, body from notes order by id');
    expect(rows.map((row) => row.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(rows[0]).toEqual({ id: 1, body: 'one' });
  });

  it('reports a failing statement as the error PostgreSQL gives, and the session carries on', async () => {
    const { pool } = await open();
    await expect(pool.query('select * from no_such_table where id = $1', [1])).rejects.toMatchObject({
      code: '42P01',
      message: 'relation "no_such_table" does not exist',
    });
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query('create table t (a int)');
      await expect(client.query('insert into t values ($1)', ['not a number'])).rejects.toMatchObject({
        code: '22P02',
      });
      await client.query('rollback');
    } finally {
      client.release();
    }
    const { rows } = await pool.query<{ x: number }>('select $1::int + 1 as x', [41]);
    expect(rows).toEqual([{ x: 42 }]);
  });

  it('keeps what was committed in its data directory across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'langomni-pglite-thread-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await open(dataDir);
    await first.pool.query('create table kept (a int)');
    await first.pool.query('insert into kept values (1), (2)');
    await first.pool.end();
    await first.thread.close();
    const second = await open(dataDir);
    const { rows } = await second.pool.query<{ n: string }>('select count(*) as n from kept');
    expect(rows).toEqual([{ n: '2' }]);
  });

  it('fails waiting and later statements with a clear error when the thread dies, instead of hanging', async () => {
    const lost: Error[] = [];
    const { thread, pool } = await open(undefined, (error) => lost.push(error));
    await pool.query('create table t (a int)');
    const waiting = pool.query('select pg_sleep(0.5)');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await thread.kill();
    await expect(waiting).rejects.toThrow(/embedded database thread stopped/);
    await expect(pool.query('select 1')).rejects.toThrow(/embedded database thread stopped/);
    expect(lost.map((error) => error.message)).toEqual([
      expect.stringMatching(/embedded database thread stopped/),
    ]);
  });

  it('does not report a loss when it is closed on purpose', async () => {
    const lost: Error[] = [];
    const { thread, pool } = await open(undefined, (error) => lost.push(error));
    await pool.query('select 1');
    await pool.end();
    await thread.close();
    expect(lost).toEqual([]);
    await expect(thread.exec(new Uint8Array())).rejects.toThrow(/closed/);
  });
});
