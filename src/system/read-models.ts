import type { Config } from '../config.ts';
import { untyped } from '../infrastructure/database.ts';
import { MemoryHotState } from '../infrastructure/hot-state/memory-hot-state.ts';
import { AdvisoryLockLeadership, AloneLeadership, type Leadership } from '../infrastructure/leadership.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { Metrics } from '../infrastructure/metrics.ts';
import { limits } from '../limits.ts';
import { HotStateRunner } from '../projections/hot-state/hot-state-projection.ts';
import { sqlReadModels } from '../projections/read-models/index.ts';
import { ProjectionRegistry } from '../projections/runner/projection-registry.ts';
import { ProjectionRunner } from '../projections/runner/projection-runner.ts';
import type { Closers } from './closers.ts';
import type { Storage } from './storage.ts';

/** The lock that makes one process at a time keep the shared read models. */
const READ_MODELS_LOCK = 'langomni:read-models';

/**
 * The hot state (in Redis when configured, else in process) and the read models: a game process keeps
 * its local ones; a projector (or a process with both roles) keeps the shared ones while it leads.
 */
export async function startReadModels(
  config: Config,
  logger: Logger,
  { target, database, store, redis }: Storage,
  metrics: Metrics,
  clock: () => Date,
  closers: Closers,
) {
  const role = config.PROCESS_ROLE;
  const hotState = redis
    ? await (await import('../infrastructure/hot-state/redis-hot-state.ts')).RedisHotState.open({
        url: config.REDIS_URL!,
        prefix: `${config.REDIS_PREFIX}hot:`,
        now: () => clock().getTime(),
      })
    : new MemoryHotState({ now: () => clock().getTime() });
  closers.push(() => hotState.close());
  const localHotState = redis
    ? undefined
    : new HotStateRunner(hotState, store, logger.child({ projection: 'hot-state' }));
  let leadership: Leadership | undefined;
  const projections = new ProjectionRegistry(
    [
      ...sqlReadModels.map(
        (projection) =>
          new ProjectionRunner(
            projection,
            untyped(database.db),
            store,
            logger.child({ projection: projection.name }),
          ),
      ),
      localHotState ?? new HotStateRunner(hotState, store, logger.child({ projection: 'hot-state' })),
    ],
    logger.child({ component: 'projections' }),
    metrics,
    // Hot state held in process (no Redis) is every game process's own; the rest is shared.
    { local: (runner) => runner === localHotState, leads: () => leadership?.isLeader ?? false },
  );
  closers.push(() => projections.stop());
  if (role !== 'projector') await projections.startLocal();
  if (role !== 'game') {
    const elected = {
      onElected: () => projections.startShared(),
      onDeposed: () => projections.stopShared(),
    };
    leadership =
      target.kind === 'postgres'
        ? new AdvisoryLockLeadership({
            url: target.url,
            ...(target.schema ? { schema: target.schema } : {}),
            name: READ_MODELS_LOCK,
            retryEveryMs: limits.processLeaseRenewMs,
            logger: logger.child({ component: 'leadership' }),
            ...elected,
          })
        : new AloneLeadership(elected);
    await leadership.start();
    closers.push(() => leadership!.stop());
    const revive = setInterval(
      () =>
        void projections
          .restartStoodDown()
          .catch((error) => logger.warn({ err: error }, 'could not restart read models')),
      limits.processLeaseRenewMs,
    );
    revive.unref();
    closers.push(async () => clearInterval(revive));
  }
  return { hotState, projections, leadership: () => leadership };
}
