import { type Logger, pino } from 'pino';

/** pino: human-readable when a person is watching the terminal, JSON lines otherwise. */
export function createLogger(level: string, pretty = process.stdout.isTTY === true): Logger {
  return pino({
    level,
    base: { service: 'langomni' },
    redact: { paths: ['password', '*.password', 'req.headers.authorization', 'token'], censor: '[redacted]' },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname,service' },
          },
        }
      : {}),
  });
}

export type { Logger };
