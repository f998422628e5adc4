import { ConfigError, loadConfig } from './config.ts';
import { WorldContentError } from './domain/world/world.ts';
import { DataDirLockedError } from './infrastructure/data-dir-lock.ts';
import { createLogger } from './infrastructure/logger.ts';
import { compileWasmWithBaselineTierOnly } from './infrastructure/pglite-tuning.ts';
import { startSystem } from './system.ts';

const LISTEN_BACKLOG = 4096;

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  if (!config.DATABASE_URL) compileWasmWithBaselineTierOnly();
  let system: Awaited<ReturnType<typeof startSystem>>;
  try {
    system = await startSystem(config, logger, {
      // Better to stop and be restarted by the supervisor than to refuse every action while running.
      onFatal: (error) => {
        logger.fatal({ err: error }, 'the game cannot go on: exiting');
        process.exit(1);
      },
    });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      process.exit(2);
    }
    if (error instanceof WorldContentError) {
      logger.fatal(error.message);
      process.exit(2);
    }
    logger.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  }
  // A deep accept queue: thousands of players reconnecting at once (a restart, a connect storm) must
  // wait in it, not be reset by the kernel while the loop is busy (Node's default is 511).
  await system.gateway.listen({ host: config.HOST, port: config.PORT, backlog: LISTEN_BACKLOG });
  const address = system.gateway.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
  logger.info(system.adapters, 'adapters');
  if (config.PROCESS_ROLE === 'projector')
    logger.info(
      `LangOmni projector. Projector ready: http://${host}:${port}/health (read models, hot state; no players)`,
    );
  else
    logger.info(
      `LangOmni is running. Play in a browser: http://${host}:${port}/  WebSocket: ws://${host}:${port}/ws (Authorization: Bearer <token>)`,
    );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await system.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();
