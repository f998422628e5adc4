import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from './io.ts';
import {
  ProgressDisplay,
  type ProjectionInfo,
  progressLine,
  type RebuildInfo,
  statusTable,
} from './progress.ts';
import { runCli } from './run.ts';

const TOKEN = 'operator-secret-0123456789';

/** A stand-in for the server's projections admin API, its answers scripted by the test. */
async function fakeServer(answer: (method: string, path: string) => { status: number; body: unknown }) {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const authorized = request.headers.authorization === `Bearer ${TOKEN}`;
    const { status, body } = authorized
      ? answer(request.method!, request.url!)
      : { status: 401, body: { error: { code: 'unauthorized', message: 'admin endpoints need a token' } } };
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, requests };
}
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function cli(args: string[], url: string, token = TOKEN) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => {
    out += chunk;
  });
  stderr.on('data', (chunk) => {
    err += chunk;
  });
  const io: CliIo = { stdout, stderr, env: { LANGOMNI_URL: url, ADMIN_TOKEN: token }, pollIntervalMs: 5 };
  const code = await runCli(args, io);
  return { code, out, err };
}

const projection = (name: string, rebuild: RebuildInfo | null): ProjectionInfo => ({
  name,
  status: rebuild && rebuild.phase !== 'done' && rebuild.phase !== 'failed' ? 'rebuilding' : 'running',
  position: '120',
  head: '125',
  lag_events: 5,
  rebuild,
});
const progress = (phase: RebuildInfo['phase'], processed: number, extra: Partial<RebuildInfo> = {}) => ({
  phase,
  processed,
  total: 1000,
  events_per_s: 2000,
  eta_s: phase === 'done' ? 0 : 1,
  ...extra,
});

describe('langomni projections', () => {
  it('prints the status as a table', async () => {
    const server = await fakeServer(() => ({
      status: 200,
      body: [projection('players', null), projection('sessions', progress('catching_up', 250))],
    }));
    const { code, out } = await cli(['projections', 'status'], server.url);
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      'NAME      STATUS      POSITION  HEAD  LAG  REBUILD',
      'players   running     120       125   5    -',
      'sessions  rebuilding  120       125   5    catching_up 250/1,000',
      '',
    ]);
  });

  it('starts a rebuild and follows it until done, not fooled by the previous rebuild’s record', async () => {
    const previous = progress('done', 900);
    const script = [
      [previous, null],
      [previous, progress('catching_up', 100)],
      [progress('catching_up', 400), progress('switching', 1000)],
      [progress('done', 1000), progress('done', 1000)],
    ];
    let polls = 0;
    const server = await fakeServer((method) => {
      if (method === 'POST') return { status: 202, body: { started: ['players', 'sessions'] } };
      const [players, sessions] = script[Math.min(polls++, script.length - 1)]!;
      return { status: 200, body: [projection('players', players!), projection('sessions', sessions!)] };
    });
    const { code, err } = await cli(['projections', 'rebuild', 'all'], server.url);
    expect(code).toBe(0);
    expect(server.requests[1]).toBe('POST /admin/projections/all/rebuild');
    expect(polls).toBe(4);
    expect(err).toContain('players   waiting for the rebuild to start…');
    expect(err).toContain(
      'players   [##########..............]  40%  400/1,000  2,000 ev/s  ETA 1s  catching up',
    );
    expect(err).toContain('players   [########################] 100%  1,000/1,000  2,000 ev/s  done');
    expect(err.trimEnd().split('\n').at(-1)).toBe('rebuilt: players, sessions');
  });

  it('exits 1 with the reason when a rebuild fails', async () => {
    const server = await fakeServer((method) =>
      method === 'POST'
        ? { status: 202, body: { started: ['players'] } }
        : { status: 200, body: [projection('players', progress('failed', 10, { error: 'disk full' }))] },
    );
    const { code, err } = await cli(['projections', 'rebuild', 'players'], server.url);
    expect(code).toBe(1);
    expect(err).toContain('rebuild of players failed: disk full');
  });

  it('pauses and resumes every read model, or one', async () => {
    const server = await fakeServer((_method, path) => ({
      status: 200,
      body: { names: path.includes('/all/') ? ['players', 'sessions'] : ['players'] },
    }));
    expect((await cli(['projections', 'pause'], server.url)).out).toBe('paused: players, sessions\n');
    expect((await cli(['projections', 'resume', 'players'], server.url)).out).toBe('resumed: players\n');
    expect(server.requests).toEqual([
      'POST /admin/projections/all/pause',
      'POST /admin/projections/players/resume',
    ]);
  });

  it('reports what the server refused, and usage mistakes with exit code 2', async () => {
    const server = await fakeServer(() => ({ status: 200, body: [] }));
    const refused = await cli(['projections', 'status'], server.url, 'wrong-token-0123456789');
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.err).toContain('401 unauthorized');
    expect((await cli(['projections', 'rebuild'], server.url)).code).toBe(2);
    expect((await cli(['projections', 'frobnicate'], server.url)).code).toBe(2);
    expect((await cli(['projections', 'status'], server.url, '')).err).toContain('set ADMIN_TOKEN');
  });
});

describe('progress display', () => {
  it('redraws one line per projection in place on a terminal', () => {
    const out = Object.assign(new PassThrough(), { isTTY: true });
    let written = '';
    out.on('data', (chunk) => {
      written += chunk;
    });
    const display = new ProgressDisplay(out, ['players', 'sessions']);
    display.render(new Map([['players', progress('catching_up', 500)]]));
    display.render(new Map([['players', progress('done', 1000)]]));
    const lines = written.split('\n');
    expect(lines[0]).toBe(`\r\x1b[2K${progressLine('players', progress('catching_up', 500), 8)}`);
    expect(lines[1]).toBe('\r\x1b[2Ksessions  waiting for the rebuild to start…');
    expect(lines[2]!.startsWith('\x1b[2A\r\x1b[2Kplayers   [####')).toBe(true);
  });

  it('shows an unknown total and ETA honestly', () => {
    expect(progressLine('p', { ...progress('catching_up', 300), total: 0, eta_s: null })).toBe(
      'p  [........................]   0%  300/0  2,000 ev/s  ETA ?  catching up',
    );
    expect(statusTable([])).toBe('no read models\n');
  });
});
