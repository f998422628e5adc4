import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GameClient, register } from '../../test/support/game-client.ts';
import { loadConfig } from '../config.ts';
import { lockDataDir } from '../infrastructure/data-dir-lock.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { startSystem } from '../system.ts';

const bin = join(import.meta.dirname, '../../bin/langomni.mjs');

/** Runs the real command, as an analyst would; resolves with its exit code and output. */
function langomni(args: string[], env: Record<string, string>) {
  const { DATABASE_URL: _d, EVENTSTORE_URL: _e, ADMIN_TOKEN: _a, ...inherited } = process.env;
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...inherited, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the langomni command', () => {
  let dataDir: string;
  let playerId: string;
  let env: Record<string, string>;
  let idle: Server;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'langomni-cli-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'silent',
      PASSWORD_HASH_MEMORY_KIB: '1024',
    });
    const system = await startSystem(config, createLogger('silent', false));
    try {
      await system.gateway.listen({ host: '127.0.0.1', port: 0 });
      const baseUrl = `http://127.0.0.1:${(system.gateway.server.address() as { port: number }).port}`;
      const registered = await register(baseUrl, 'archivist');
      playerId = registered.player_id;
      const client = await GameClient.connect(baseUrl, registered.token);
      await client.waitFor((f) => f.type === 'welcome');
      await client.act({ action_type: 'move', direction: 'north' });
      await client.close();
    } finally {
      await system.close();
    }
    // A port that answers nothing: the command must not depend on HOST:PORT to find a running server.
    idle = createServer();
    idle.listen(0, '127.0.0.1');
    await once(idle, 'listening');
    const port = (idle.address() as { port: number }).port;
    idle.close();
    env = { DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port) };
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('replays events from the embedded database of a stopped server', async () => {
    const { code, stdout, stderr } = await langomni(['replay', '--category', 'player', '--limit', '3'], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const events = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((e) => e.type)).toEqual(['PlayerRegistered', 'PlayerSpawned', 'PlayerEnteredWorld']);
    expect(events.every((e) => e.stream === `player-${playerId}`)).toBe(true);

    const state = await langomni(['state', 'player', playerId], env);
    expect(state.code).toBe(0);
    expect(JSON.parse(state.stdout)).toMatchObject({ kind: 'player', state: { locationId: 'elders-hut' } });
  });

  it('prints the usage, and refuses mistakes with exit code 2', async () => {
    const [help, wrong] = await Promise.all([
      langomni(['help'], {}),
      langomni(['replay', '--after', 'yesterday'], env),
    ]);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('langomni replay');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--after: not a position');
  });

  it('will not open the embedded database while another process holds it, whatever its PORT', async () => {
    // This test's process holds the directory, as a running server would.
    const held = lockDataDir(join(dataDir, 'pglite'));
    try {
      const { code, stderr } = await langomni(['replay'], env);
      expect(code).toBe(1);
      expect(stderr).toContain(`is in use: process ${process.pid} on ${hostname()}`);
      expect(stderr).toContain('stop that process first');
    } finally {
      held.release();
    }
  });
});
