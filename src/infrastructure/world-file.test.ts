import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorldFile } from './world-file.ts';

describe('world content files', () => {
  it('loads the shipped starter world', async () => {
    const world = await loadWorldFile('content/starter-world.json');
    expect(world.npcs.get('elder-zorathian')?.name).toBe('Elder Zorathian');
  });

  it('names the file, the path inside it and the problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'world-'));
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ version: 'x', name: 'x', startLocation: 'nowhere' }));
    await expect(loadWorldFile(file)).rejects.toThrow(`${file} is invalid:`);
    await expect(loadWorldFile(file)).rejects.toThrow(/at player: /);
    await writeFile(file, '{ not json');
    await expect(loadWorldFile(file)).rejects.toThrow(/at \(file\): not valid JSON/);
    await expect(loadWorldFile(join(dir, 'missing.json'))).rejects.toThrow(/ENOENT/);
  });
});
