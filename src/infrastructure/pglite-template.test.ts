import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.ts';
import { ensurePgliteTemplate, isInitializedDataDir, seedDataDirFromTemplate } from './pglite-template.ts';

describe('PGlite data directory template', () => {
  const root = mkdtempSync(join(tmpdir(), 'langomni-template-'));
  const cacheDir = join(root, 'cache');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('makes the template once, by initdb in a child process, and reuses it', async () => {
    const template = await ensurePgliteTemplate(cacheDir);
    expect(template).toBeDefined();
    expect(isInitializedDataDir(template!)).toBe(true);
    expect(readdirSync(cacheDir)).toEqual([template!.slice(cacheDir.length + 1)]);
    expect(await ensurePgliteTemplate(cacheDir)).toBe(template);
  }, 120_000);

  it('seeds a missing data directory, which then opens, migrates and keeps what it is given', async () => {
    const dataDir = join(root, 'data', 'pglite');
    expect(await seedDataDirFromTemplate(dataDir, cacheDir)).toBe(true);
    expect(isInitializedDataDir(dataDir)).toBe(true);
    expect(readdirSync(join(root, 'data'))).toEqual(['pglite']);

    const first = await openDatabase({ kind: 'pglite', dataDir });
    await first.pool.query('create table kept (value text)');
    await first.pool.query(`insert into kept values ('written before closing')`);
    await first.close();

    expect(await seedDataDirFromTemplate(dataDir, cacheDir)).toBe(false);
    const reopened = await openDatabase({ kind: 'pglite', dataDir });
    const { rows } = await reopened.pool.query('select value from kept');
    const migrations = await reopened.pool.query('select count(*)::int as n from kysely_migration');
    await reopened.close();
    expect(rows).toEqual([{ value: 'written before closing' }]);
    expect(migrations.rows[0].n).toBeGreaterThan(0);
  }, 120_000);

  it('seeds an empty directory but leaves one with other contents alone', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(await seedDataDirFromTemplate(empty, cacheDir)).toBe(true);
    expect(isInitializedDataDir(empty)).toBe(true);

    const occupied = join(root, 'occupied');
    mkdirSync(occupied);
    writeFileSync(join(occupied, 'notes.txt'), 'not a database');
    expect(await seedDataDirFromTemplate(occupied, cacheDir)).toBe(false);
    expect(readdirSync(occupied)).toEqual(['notes.txt']);
  });

  it('reports no template when the cache directory cannot be written', async () => {
    const blocked = join(root, 'blocked');
    writeFileSync(blocked, 'a file where the cache directory would be');
    expect(await ensurePgliteTemplate(join(blocked, 'cache'))).toBeUndefined();
    const dataDir = join(root, 'unseeded');
    expect(await seedDataDirFromTemplate(dataDir, join(blocked, 'cache'))).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
  });
});
