import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('runs embedded with nothing set', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.EVENTSTORE_URL).toBeUndefined();
  });

  it('treats an empty URL as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET: must be at least 32/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: required/);
  });

  it('bounds the token lifetime: beyond 7 days (setTimeout overflows at 24.8) is a clear error', () => {
    expect(loadConfig({ JWT_TTL: '7d' }).JWT_TTL).toBe('7d');
    expect(loadConfig({ JWT_TTL: '168h' }).JWT_TTL).toBe('168h');
    for (const ttl of ['8d', '25d', '169h', '999999999d', '30s', '0m'])
      expect(() => loadConfig({ JWT_TTL: ttl }), ttl).toThrow(/JWT_TTL: from 1m to 7d/);
    expect(() => loadConfig({ JWT_TTL: '12 hours' })).toThrow(/JWT_TTL: a number followed by/);
  });
});
