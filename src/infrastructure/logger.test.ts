import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from './logger.ts';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwMSJ9.c2lnbmF0dXJlLXNlY3JldA';

describe('logger', () => {
  it('blanks secret query parameters out of URLs, keeping the rest', () => {
    expect(redactUrl(`/ws?token=${TOKEN}`)).toBe('/ws?token=[redacted]');
    expect(redactUrl(`/x?a=1&access_token=${TOKEN}&b=2`)).toBe('/x?a=1&access_token=[redacted]&b=2');
    expect(redactUrl('/search?q=tokens&limit=5')).toBe('/search?q=tokens&limit=5');
  });

  it('never writes a token from a request URL, its headers or a logged object', async () => {
    const lines: string[] = [];
    const logger = createLogger('debug', false, { write: (line: string) => void lines.push(line) });
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });
    app.get('/ws', async (request) => {
      request.log.info({ headers: request.headers }, 'upgrade headers');
      request.log.info({ req: { headers: request.headers } }, 'request with headers');
      return 'ok';
    });
    await app.inject({
      method: 'GET',
      url: `/ws?token=${TOKEN}`,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'sec-websocket-protocol': `langomni.v3, langomni.token.${TOKEN}`,
        cookie: `session=${TOKEN}`,
      },
    });
    logger.info({ token: TOKEN, body: { password: 'hunter22', token: TOKEN } }, 'signed in');
    await app.close();

    const log = lines.join('');
    expect(log).toContain('/ws?token=[redacted]');
    expect(log).toContain('upgrade headers');
    expect(log).toContain('signed in');
    expect(log).not.toContain(TOKEN.split('.')[2]);
    expect(log).not.toContain('hunter22');
  });
});
