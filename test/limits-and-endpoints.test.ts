import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { httpPacer, register } from './support/game-client.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

const ADMIN_TOKEN = 'operator-secret-0123456789';
const TRUSTED_ORIGIN = 'https://play.example.org';

/**
 * The gateway's doors, tried as an attacker would. Every test here comes from 127.0.0.1, so the tests
 * that use up a per-IP limit (wrong admin tokens, then the HTTP limit) come last, in that order.
 */
describe('limits and endpoints', () => {
  let server: TestSystem;
  let playerToken: string;
  const call = async (path: string, init: RequestInit & { token?: string } = {}) => {
    await httpPacer.slot();
    const { token, ...rest } = init;
    const response = await fetch(`${server.baseUrl}${path}`, {
      ...rest,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(rest.headers ?? {}) },
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: parse(text) };
  };

  beforeAll(async () => {
    server = await startTestSystem({ env: { ADMIN_TOKEN, ALLOWED_ORIGINS: TRUSTED_ORIGIN } });
    playerToken = (await register(server.baseUrl, 'auditor')).token;
  });
  afterAll(() => server?.stop());

  it('sets CSP (frame-ancestors none, scripts and styles from this origin only), nosniff and Referrer-Policy', async () => {
    const page = await call('/');
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect((await call('/health')).headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('the browser client works under that CSP: no inline script, style or event handler', async () => {
    const html = await readFile(new URL('../src/gateway/public/index.html', import.meta.url), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    const publicDir = new URL('../src/gateway/public/', import.meta.url);
    const scripts = (await readdir(publicDir)).filter((name) => name.endsWith('.js'));
    expect(scripts).toContain('app.js');
    for (const name of scripts) {
      const js = await readFile(new URL(name, publicDir), 'utf8');
      expect(js, name).not.toMatch(
        /\.innerHTML\s*=|insertAdjacentHTML|setAttribute\(\s*['"](style|on)|eval\(|new Function/,
      );
    }
  });

  it('/health answers from one shared check, with the time it was made', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.baseUrl}/health`)));
    const reports = await Promise.all(answers.map((a) => a.json() as Promise<{ checked_at: string }>));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(reports.map((r) => r.checked_at)).size).toBe(1);
  });

  it('/metrics needs the admin token', async () => {
    expect((await call('/metrics')).status).toBe(401);
    expect((await call('/metrics', { token: playerToken })).status).toBe(401);
    const scraped = await call('/metrics', { token: ADMIN_TOKEN });
    expect(scraped.status).toBe(200);
    expect(scraped.text).toContain('langomni_');
  });

  it('a NUL character is a clear 400 in a username, a search and an event query, never a 500', async () => {
    const registered = await call('/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nul\u0000name', password: 'a perfectly fine password' }),
    });
    expect(registered.status).toBe(400);
    expect(registered.body).toMatchObject({ error: { code: 'invalid_request' } });
    expect(registered.body.error?.message).toContain('body.username');

    const searched = await call('/search?q=star%00', { token: playerToken });
    expect(searched.status).toBe(400);
    expect(searched.body.error?.message).toContain('query.q');

    const events = await call('/admin/events?stream=player-%00', { token: ADMIN_TOKEN });
    expect(events.status).toBe(400);
    expect(events.body.error?.message).toContain('query.stream');

    const surrogate = await call('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"username":"half\\ud83d","password":"a perfectly fine password"}',
    });
    expect(surrogate.status).toBe(400);
  });

  it('a WebSocket upgrade from another site is refused with 403; own origin, allowed ones and no Origin go on to the token check', async () => {
    expect(await upgradeStatus(server.baseUrl, 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(server.baseUrl, 'null')).toBe(403);
    expect(await upgradeStatus(server.baseUrl, server.baseUrl)).toBe(401);
    expect(await upgradeStatus(server.baseUrl, TRUSTED_ORIGIN)).toBe(401);
    expect(await upgradeStatus(server.baseUrl, undefined)).toBe(401);
  });

  it('wrong admin tokens are limited per IP: past the limit even the right token gets 429 rate_limited', async () => {
    // Requests without a token (the /metrics test above) were failures too: count until refused.
    const statuses: number[] = [];
    while (statuses.at(-1) !== 429 && statuses.length < 12)
      statuses.push((await call('/admin/world', { token: `guess-${statuses.length}-0123456789` })).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(8);
    const refused = await call('/admin/world', { token: ADMIN_TOKEN });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited' });
    expect(refused.body.error?.message).toContain('wrong admin tokens');
    expect(refused.body.error?.details?.retry_after_ms).toBeGreaterThan(0);
  });

  it('past the per-IP HTTP limit: 429 rate_limited with a message, retry_after_ms and Retry-After', async () => {
    const answers = await Promise.all(
      Array.from({ length: 15 }, () => fetch(`${server.baseUrl}/players/me`, { headers: {} })),
    );
    const limited = answers.find((a) => a.status === 429);
    expect(limited).toBeDefined();
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await limited?.json()) as ApiErrorBody;
    expect(body.error?.code).toBe('rate_limited');
    expect(body.error?.message).toMatch(/at most 10 per second.*retry in/);
    expect(body.error?.details?.retry_after_ms).toBeGreaterThan(0);
  });

  it('never refuses the files of the browser client: a page load is not an API request', async () => {
    const files = ['/', '/index.html', '/app.js', '/style.css'];
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => fetch(`${server.baseUrl}${files[i % files.length]}`)),
    );
    expect(answers.map((a) => a.status).filter((status) => status !== 200)).toEqual([]);
    // …while the API next to them is still limited.
    const api = await Promise.all(Array.from({ length: 15 }, () => fetch(`${server.baseUrl}/players/me`)));
    expect(api.some((a) => a.status === 429)).toBe(true);
  });
});

interface ApiErrorBody {
  error?: { code?: string; message?: string; details?: { retry_after_ms?: number } };
}

function parse(text: string): ApiErrorBody {
  try {
    return JSON.parse(text) as ApiErrorBody;
  } catch {
    return {};
  }
}

/** The HTTP status of a WebSocket upgrade to /ws without a token, sent with the given Origin. */
function upgradeStatus(baseUrl: string, origin: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws`, {
      ...(origin === undefined ? {} : { origin }),
    });
    socket.on('unexpected-response', (request, response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    socket.on('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted without a token'));
    });
    socket.on('error', () => {});
  });
}
