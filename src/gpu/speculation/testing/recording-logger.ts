import { createLogger } from '../../../infrastructure/logger.ts';

/** A silent logger that keeps what was logged at each level, to check nothing went above debug. */
export function recordingLogger() {
  const logger = createLogger('silent', false);
  const lines: { level: string; details: unknown; message: unknown }[] = [];
  for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
    logger[level] = ((details: unknown, message?: unknown) => {
      lines.push({ level, details, message });
    }) as typeof logger.debug;
  }
  // Children log into the same record.
  logger.child = (() => logger) as unknown as typeof logger.child;
  return { logger, lines, aboveDebug: () => lines.filter((l) => l.level !== 'trace' && l.level !== 'debug') };
}
