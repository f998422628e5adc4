import { Redis } from 'ioredis';

/** A literal key prefix for SCAN MATCH: glob characters in it match only themselves. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** A Redis URL fit for an error message: the password hidden. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export interface RedisConnectOptions {
  url: string;
  connectTimeoutMs?: number;
  commandTimeoutMs: number;
}

/** Connects; rejects with the server's address and the cause when Redis does not answer. */
export async function connectRedis(options: RedisConnectOptions): Promise<Redis> {
  const client = new Redis(options.url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: options.connectTimeoutMs ?? 5_000,
    commandTimeout: options.commandTimeoutMs,
  });
  // Command failures reach their callers as rejections; without a listener ioredis would also log each one.
  let lastError: Error | undefined;
  client.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    const cause = lastError ?? error;
    throw new Error(`Redis at ${redactUrl(options.url)} did not answer: ${(cause as Error).message}`, {
      cause,
    });
  }
  return client;
}
