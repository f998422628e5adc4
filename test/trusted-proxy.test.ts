import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { limits } from '../src/limits.ts';
import { startTestSystem, type TestSystem } from './support/start-test-system.ts';

/** More requests at once than the per-IP limit lets through from one address. */
async function burst(baseUrl: string, forwardedFor: string): Promise<number[]> {
  const answers = await Promise.all(
    Array.from({ length: limits.apiRequestsPerSecondPerIp + 5 }, () =>
      fetch(`${baseUrl}/players/me`, { headers: { 'x-forwarded-for': forwardedFor } }),
    ),
  );
  return answers.map((answer) => answer.status);
}

async function status(baseUrl: string, forwardedFor: string): Promise<number> {
  return (await fetch(`${baseUrl}/players/me`, { headers: { 'x-forwarded-for': forwardedFor } })).status;
}

describe('TRUST_PROXY: per-IP limits behind nginx', () => {
  describe('with the proxy trusted', () => {
    let server: TestSystem;
    beforeAll(async () => {
      server = await startTestSystem({ env: { TRUST_PROXY: 'loopback' } });
    });
    afterAll(() => server?.stop());

    it('counts each forwarded client on its own', async () => {
      expect(await burst(server.baseUrl, '203.0.113.1')).toContain(429);
      expect(await status(server.baseUrl, '203.0.113.2')).toBe(401);
      expect(await status(server.baseUrl, '203.0.113.1')).toBe(429);
    });
  });

  describe('with no proxy trusted (the default)', () => {
    let server: TestSystem;
    beforeAll(async () => {
      server = await startTestSystem();
    });
    afterAll(() => server?.stop());

    it('ignores X-Forwarded-For, so a client cannot forge its way past the limit', async () => {
      expect(await burst(server.baseUrl, '203.0.113.1')).toContain(429);
      expect(await status(server.baseUrl, '203.0.113.2')).toBe(429);
    });
  });

  it('takes addresses, CIDR ranges and proxy-addr names, and names a bad entry', () => {
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.1, 172.16.0.0/12,fd00::/8 ,uniquelocal' }).TRUST_PROXY).toEqual(
      ['10.0.0.1', '172.16.0.0/12', 'fd00::/8', 'uniquelocal'],
    );
    expect(loadConfig({ TRUST_PROXY: '' }).TRUST_PROXY).toEqual([]);
    for (const bad of ['nginx', '10.0.0.0/33', '10.0.0.1/8/2', '300.1.1.1']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });
});
