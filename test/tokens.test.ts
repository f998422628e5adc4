import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLogger } from '../src/infrastructure/logger.ts';
import { testServices, uniqueSchema } from '../src/infrastructure/testing/services.ts';
import { connectPacer, GameClient, httpPacer, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

const JWT_SECRET = randomBytes(24).toString('hex');
const sign = createSigner({ key: JWT_SECRET });

interface Opened {
  socket: WebSocket;
  protocol: string | undefined;
  closed: Promise<{ code: number; reason: string }>;
  /** The first frame, listened for from the start: the welcome can arrive in the upgrade's own packet. */
  firstMessage: Promise<Record<string, unknown>>;
}

/** Opens /ws; resolves with the socket once open, or with the HTTP status and body of a refusal. */
async function open(
  baseUrl: string,
  how: { url?: string; headers?: Record<string, string>; protocols?: string[] },
): Promise<Opened | { status: number; body: string }> {
  await connectPacer.slot();
  const socket = new WebSocket(how.url ?? `${baseUrl.replace(/^http/, 'ws')}/ws`, how.protocols ?? [], {
    headers: how.headers ?? {},
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const firstMessage = new Promise<Record<string, unknown>>((resolve) =>
    socket.once('message', (data) => resolve(JSON.parse(data.toString()))),
  );
  return new Promise((resolve, reject) => {
    socket.on('upgrade', (response) => {
      const protocol = response.headers['sec-websocket-protocol'];
      socket.once('open', () => resolve({ socket, protocol, closed, firstMessage }));
    });
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.on('error', reject);
  });
}

function opened(result: Opened | { status: number }): Opened {
  if (!('socket' in result)) throw new Error(`refused with ${result.status}`);
  return result;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function post(baseUrl: string, path: string, token: string): Promise<Response> {
  await httpPacer.slot();
  return fetch(`${baseUrl}${path}`, { method: 'POST', headers: bearer(token) });
}

describe('tokens and sessions', () => {
  let server: TestSystem;
  let baseUrl: string;
  const logLines: string[] = [];
  const sockets: WebSocket[] = [];
  const keep = (result: Opened) => {
    sockets.push(result.socket);
    return result;
  };

  beforeAll(async () => {
    server = await startTestSystem({
      env: { JWT_SECRET },
      logger: createLogger('debug', false, { write: (line: string) => void logLines.push(line) }),
    });
    baseUrl = server.baseUrl;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await server?.stop();
  });

  it('lets a browser connect with its token as a subprotocol, and answers with the protocol name only', async () => {
    const { token, player_id } = await register(baseUrl, 'tamsin');
    const browser = keep(
      opened(await open(baseUrl, { protocols: ['langomni.v3', `langomni.token.${token}`] })),
    );
    expect(browser.protocol).toBe('langomni.v3');
    expect(browser.socket.protocol).toBe('langomni.v3');
    expect(await browser.firstMessage).toMatchObject({ type: 'welcome', protocol: 3, player_id });
  });

  it('refuses a token in the URL with 400 naming the new way, and never logs a token', async () => {
    const { token } = await register(baseUrl, 'ulric');
    const refused = await open(baseUrl, { url: `${baseUrl.replace(/^http/, 'ws')}/ws?token=${token}` });
    expect(refused).toMatchObject({ status: 400 });
    const body = JSON.parse((refused as { body: string }).body);
    expect(body.error.code).toBe('token_in_url');
    expect(body.error.message).toMatch(/Authorization: Bearer/);
    expect(body.error.message).toMatch(/langomni\.token\./);

    keep(opened(await open(baseUrl, { headers: bearer(token) })));
    keep(opened(await open(baseUrl, { protocols: ['langomni.v3', `langomni.token.${token}`] })));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const log = logLines.join('');
    expect(log).toContain('/ws?token=[redacted]');
    expect(log).not.toContain(token);
    expect(log).not.toContain(token.split('.')[2]);
  });

  it('refuses with 401 before the upgrade a token for a player that does not exist, or without expiry', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ghost = sign({ sub: randomUUID(), username: 'ghost', jti: randomUUID(), iat: now, exp: now + 600 });
    expect(await open(baseUrl, { headers: bearer(ghost) })).toMatchObject({ status: 401 });

    const { player_id } = await register(baseUrl, 'vesna');
    const forever = sign({ sub: player_id, username: 'vesna', jti: randomUUID(), iat: now });
    expect(await open(baseUrl, { headers: bearer(forever) })).toMatchObject({ status: 401 });
    const anonymous = sign({ sub: player_id, username: 'vesna', iat: now, exp: now + 600 });
    expect(await open(baseUrl, { headers: bearer(anonymous) })).toMatchObject({ status: 401 });
    const valid = sign({ sub: player_id, username: 'vesna', jti: randomUUID(), iat: now, exp: now + 600 });
    keep(opened(await open(baseUrl, { headers: bearer(valid) })));
  });

  it('keeps a socket open whose token expires beyond setTimeout range (30 days away)', async () => {
    const { player_id } = await register(baseUrl, 'wilmot');
    const now = Math.floor(Date.now() / 1000);
    const distant = sign({
      sub: player_id,
      username: 'wilmot',
      jti: randomUUID(),
      iat: now,
      exp: now + 30 * 86_400,
    });
    const client = await GameClient.connect(baseUrl, distant);
    await client.waitFor((f) => f.type === 'welcome');
    // An overflowing timer fired at once, closing the socket a few ms after its welcome.
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.sendRaw(JSON.stringify({ type: 'ping', id: 'still-here' }));
    expect(await client.waitFor((f) => f.type === 'pong' && f.id === 'still-here')).toBeDefined();
    expect(client.closeCode).toBeUndefined();
    await client.close();
  });

  it('logs out one token: its open socket closes with 4403 and it is refused after; other tokens live on', async () => {
    const first = await register(baseUrl, 'wendel');
    await httpPacer.slot();
    const login = await fetch(`${baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'wendel', password: 'correct horse' }),
    });
    const second = (await login.json()) as { token: string };
    const a = keep(opened(await open(baseUrl, { headers: bearer(first.token) })));
    const b = keep(opened(await open(baseUrl, { headers: bearer(second.token) })));

    expect((await post(baseUrl, '/auth/logout', first.token)).status).toBe(204);
    expect(await a.closed).toMatchObject({ code: 4403 });
    expect(await open(baseUrl, { headers: bearer(first.token) })).toMatchObject({ status: 401 });
    await httpPacer.slot();
    expect((await fetch(`${baseUrl}/players/me`, { headers: bearer(first.token) })).status).toBe(401);
    expect((await post(baseUrl, '/auth/logout', first.token)).status).toBe(401);

    expect(b.socket.readyState).toBe(WebSocket.OPEN);
    const client = await GameClient.connect(baseUrl, second.token);
    await client.waitFor((f) => f.type === 'welcome');
    await client.close();

    expect((await post(baseUrl, '/auth/logout-all', second.token)).status).toBe(204);
    expect(await b.closed).toMatchObject({ code: 4403 });
    expect(await open(baseUrl, { headers: bearer(second.token) })).toMatchObject({ status: 401 });
    expect((await post(baseUrl, '/auth/logout', 'not.a.token')).status).toBe(401);
  });
});

describe('revocation is durable', () => {
  it('still refuses a logged-out token after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'langomni-tokens-'));
    try {
      let server = await startTestSystem({ dataDir, env: { JWT_SECRET } });
      const { token } = await register(server.baseUrl, 'xanthe');
      expect((await post(server.baseUrl, '/auth/logout', token)).status).toBe(204);
      await server.stop();
      server = await startTestSystem({ dataDir, env: { JWT_SECRET } });
      try {
        expect(await open(server.baseUrl, { headers: bearer(token) })).toMatchObject({ status: 401 });
      } finally {
        await server.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!testServices.postgres.url)(
    "closes a player's sockets in another process sharing the database",
    async () => {
      const schema = uniqueSchema('tokens');
      const dirs = [
        await mkdtemp(join(tmpdir(), 'langomni-a-')),
        await mkdtemp(join(tmpdir(), 'langomni-b-')),
      ];
      const shared = { postgresUrl: testServices.postgres.url!, schema, env: { JWT_SECRET } };
      const one = await startTestSystem({ ...shared, dataDir: dirs[0]! });
      const two = await startTestSystem({ ...shared, dataDir: dirs[1]! });
      try {
        const { token } = await register(one.baseUrl, 'yorick');
        const elsewhere = opened(await open(two.baseUrl, { headers: bearer(token) }));
        expect((await post(one.baseUrl, '/auth/logout-all', token)).status).toBe(204);
        expect(await elsewhere.closed).toMatchObject({ code: 4403 });
        expect(await open(two.baseUrl, { headers: bearer(token) })).toMatchObject({ status: 401 });
      } finally {
        await one.stop();
        await two.stop();
        const { dropSchema } = await import('../src/infrastructure/testing/services.ts');
        await dropSchema(testServices.postgres.url!, schema);
        for (const dir of dirs) await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
