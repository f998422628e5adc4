import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { EMBEDDED_POSTGRES_SETTINGS, embeddedStartParams } from './pglite-tuning.ts';

describe('embedded PostgreSQL settings', () => {
  it("keeps PGlite's own start parameters and adds each setting as -c name=value", () => {
    expect(embeddedStartParams({ shared_buffers: '8MB', work_mem: '1MB' })).toEqual([
      ...PGlite.defaultStartParams,
      '-c',
      'shared_buffers=8MB',
      '-c',
      'work_mem=1MB',
    ]);
  });

  it('are in force in the opened database, commits still synchronous', async () => {
    const database = await openDatabase({ kind: 'pglite' });
    try {
      for (const [name, value] of Object.entries(EMBEDDED_POSTGRES_SETTINGS)) {
        const { rows } = await database.pool.query(`show ${name}`);
        expect(rows[0][name]).toBe(value);
      }
      const { rows } = await database.pool.query('show synchronous_commit');
      expect(rows[0].synchronous_commit).toBe('on');
    } finally {
      await database.close();
    }
  }, 60_000);
});
