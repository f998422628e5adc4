import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AccountService } from './commands/accounts.ts';
import { CommandHandler } from './commands/command-handler.ts';
import { moveCredentialsOutOfEvents } from './commands/move-credentials.ts';
import { DEFAULT_ARGON2_COST, PasswordHasher } from './commands/password-hashing.ts';
import { PlayerTokens } from './commands/player-tokens.ts';
import { SceneReader } from './commands/scene-reader.ts';
import { SessionReaper } from './commands/session-reaper.ts';
import { TimedPlayerSessions } from './commands/timed-player-sessions.ts';
import { WorldRuntime } from './commands/world-runtime.ts';
import type { Config } from './config.ts';
import { ParserInterpreter } from './domain/parser/command-interpreter.ts';
import { buildGateway } from './gateway/app.ts';
import { ActionProcessor } from './gpu/action-processor.ts';
import { LlmCommandInterpreter } from './gpu/command-interpreter/llm-command-interpreter.ts';
import { LlmConversationWording } from './gpu/npc-life/conversation-wording.ts';
import { openLanes } from './gpu/orchestrator/open-lanes.ts';
import { LlmOrchestrator } from './gpu/orchestrator/orchestrator.ts';
import { RulesEngine } from './gpu/rules/rules-engine.ts';
import { SqlActionPartitions } from './infrastructure/action-partitions.ts';
import { MemoryCache } from './infrastructure/cache/memory-cache.ts';
import { SqlCheckpointStore } from './infrastructure/checkpoint-store.ts';
import { CredentialStore } from './infrastructure/credential-store.ts';
import { type Database, type DatabaseTarget, openDatabase, untyped } from './infrastructure/database.ts';
import type { EventStore } from './infrastructure/event-store/event-store.ts';
import { type EventStoreTables, SqlEventStore } from './infrastructure/event-store/sql-event-store.ts';
import { MemoryHotState } from './infrastructure/hot-state/memory-hot-state.ts';
import { AdvisoryLockLeadership, AloneLeadership, type Leadership } from './infrastructure/leadership.ts';
import type { Logger } from './infrastructure/logger.ts';
import { openNpcMemory } from './infrastructure/memory/open-memory.ts';
import { createMetrics } from './infrastructure/metrics.ts';
import { LeaseLostError, ProcessLease } from './infrastructure/process-lease.ts';
import { generatedJwtSecret } from './infrastructure/secrets.ts';
import { loadWorldFile } from './infrastructure/world-file.ts';
import { limits } from './limits.ts';
import { NpcLife } from './npc-life/npc-life.ts';
import { BusinessMetrics } from './projections/business-metrics.ts';
import { HotStateRunner } from './projections/hot-state/hot-state-projection.ts';
import { hotStateReader } from './projections/hot-state/hot-state-reader.ts';
import { NpcMemoryProjection, npcMemoryRecaller } from './projections/npc-memories.ts';
import { PresenceProjection } from './projections/presence.ts';
import { sqlReadModels } from './projections/read-models/index.ts';
import { ProjectionRegistry } from './projections/runner/projection-registry.ts';
import { ProjectionRunner } from './projections/runner/projection-runner.ts';

export interface System {
  gateway: FastifyInstance;
  store: EventStore;
  /** Human-readable names of the adapters in use, e.g. { events: 'pglite', database: 'pglite' }. */
  adapters: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The composition root: picks each adapter by its URL in the configuration (embedded when unset),
 * wires the flow gateway → commands → event store → lanes → outcome events, and returns the gateway.
 * The server adapters' clients (EventStoreDB's gRPC, ioredis) are imported only when configured:
 * loading them costs the embedded default start-up time and memory for nothing.
 */
/** The lock that makes one process at a time keep the shared read models. */
const READ_MODELS_LOCK = 'langomni:read-models';

/** Embedded subscribers are woken by every append; polling is only a safety net there. */
const EMBEDDED_POLL_INTERVAL_MS = 1_000;

export interface SystemOptions {
  /** The world's clock (world time, weather, respawns, event timestamps). Real time by default. */
  clock?: () => Date;
  /** Something the game cannot run without has failed for good (the embedded database's thread). */
  onFatal?: (error: Error) => void;
}

export async function startSystem(
  config: Config,
  logger: Logger,
  options: SystemOptions = {},
): Promise<System> {
  const clock = options.clock ?? (() => new Date());
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse())
      await closer().catch((error) => logger.warn({ err: error }, 'error while closing'));
  };
  const role = config.PROCESS_ROLE;
  try {
    const fileWorld = await loadWorldFile(config.WORLD_FILE);

    const target: DatabaseTarget = config.DATABASE_URL
      ? {
          kind: 'postgres',
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          ...(config.DATABASE_SCHEMA ? { schema: config.DATABASE_SCHEMA } : {}),
        }
      : {
          kind: 'pglite',
          dataDir: join(config.DATA_DIR, 'pglite'),
          ownThread: true,
          onEngineLost: (error) =>
            options.onFatal
              ? options.onFatal(error)
              : logger.fatal({ err: error }, 'the embedded database has stopped: every action will fail'),
        };
    const database: Database<EventStoreTables> = await openDatabase(target);
    closers.push(() => database.close());
    const metrics = createMetrics();
    metrics.watchPool(database.pool);

    const store: EventStore = config.EVENTSTORE_URL
      ? await (await import('./infrastructure/event-store/eventstoredb-event-store.ts')).openEventStoreDb(
          config.EVENTSTORE_URL,
        )
      : new SqlEventStore(database, {
          name: target.kind,
          // Polling finds other processes' appends. PGlite has no other process (and, with one
          // connection, no transaction can hold the horizon back): every append wakes the subscribers.
          pollIntervalMs:
            target.kind === 'pglite' ? EMBEDDED_POLL_INTERVAL_MS : config.EVENT_POLL_INTERVAL_MS,
          onBatchAppended: (seconds, events) => {
            metrics.eventAppend.observe(seconds);
            metrics.eventsAppended.inc(events);
          },
        });
    closers.push(() => store.close());

    const redis = config.REDIS_URL
      ? new (await import('ioredis')).Redis(config.REDIS_URL, {
          lazyConnect: true,
          maxRetriesPerRequest: 2,
          // Commands issued in one turn of the event loop (rate-limit counters of a connect storm,
          // hot-state batches) go out in one write instead of a system call each.
          enableAutoPipelining: true,
        })
      : undefined;
    if (redis) {
      await redis.connect();
      closers.push(() => redis.quit());
    }

    const commands = new CommandHandler(store, {
      now: clock,
      onFollowError: (error) => logger.warn({ err: error }, 'stopped following live events; retrying'),
    });
    await commands.start();
    closers.push(() => commands.stop());
    const runtime = await WorldRuntime.start(store, commands, fileWorld, config.WORLD_FILE, logger);
    closers.push(() => runtime.stop());
    const { world } = runtime;
    logger.info(
      { world: world.content.name, version: world.content.version, locations: world.locations.size },
      'world content in force',
    );
    const presence = new PresenceProjection();
    await presence.start(store, logger.child({ component: 'presence' }));
    closers.push(() => presence.stop());

    // This process's heartbeat: the sessions it holds end when it stops renewing it (see SessionReaper).
    const lease = new ProcessLease(untyped(database.db), {
      processId: randomUUID(),
      ttlMs: config.PROCESS_LEASE_TTL_MS,
      renewEveryMs: Math.min(limits.processLeaseRenewMs, Math.floor(config.PROCESS_LEASE_TTL_MS / 3)),
      alone: target.kind === 'pglite',
      onRenewalFailed: (error) => logger.warn({ err: error }, 'could not renew the process lease'),
      onLost: () => {
        const error = new LeaseLostError(lease.processId);
        if (options.onFatal) options.onFatal(error);
        else logger.fatal({ err: error }, 'this process lost its lease: others are taking over its players');
      },
    });
    await lease.start();
    closers.push(() => lease.stop());
    const sessions = new TimedPlayerSessions([commands, runtime, lease.processId], (seconds) =>
      metrics.sessionDuration.observe(seconds),
    );
    metrics.watchActivePlayers(() => presence.onlineCounts(lease.processId));
    const reaper = new SessionReaper(
      lease,
      presence,
      sessions,
      logger.child({ component: 'sessions' }),
      Math.min(limits.processLeaseRenewMs, Math.floor(config.PROCESS_LEASE_TTL_MS / 3)),
      config.RECONNECT_GRACE_MS,
    );
    reaper.start();
    closers.push(() => reaper.stop());

    const checkpoints = SqlCheckpointStore.on(database.db);
    const credentials = new CredentialStore(untyped(database.db));
    const moved = await moveCredentialsOutOfEvents(store, credentials, checkpoints);
    if (moved > 0)
      logger.info({ accounts: moved }, 'password hashes moved from old events to the credential store');
    const npcMemory = await openNpcMemory(config, logger);
    closers.push(() => npcMemory.memory.close());
    const memoryProjection = new NpcMemoryProjection(
      store,
      npcMemory.recall,
      logger.child({ component: 'npc-memories' }),
      () => runtime.world,
      npcMemory.durable ? checkpoints : undefined,
    );
    await memoryProjection.start();
    closers.push(() => memoryProjection.stop());

    const hotState = redis
      ? await (await import('./infrastructure/hot-state/redis-hot-state.ts')).RedisHotState.open({
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
    const business = new BusinessMetrics(untyped(database.db), {
      now: clock,
      onError: (error) => logger.warn({ err: error }, 'could not read the business metrics'),
    });
    metrics.watchBusiness(() => business.figures());

    const scenes = new SceneReader(commands, runtime, presence);
    const rules = new RulesEngine();
    const cache = redis
      ? await (await import('./infrastructure/cache/redis-cache.ts')).RedisCache.open({
          url: config.REDIS_URL!,
          prefix: `${config.REDIS_PREFIX}cache:`,
        })
      : new MemoryCache();
    closers.push(() => cache.close());
    const lanes = openLanes(config, metrics);
    // Free-text commands: read by a model first when there is one (the world lane's), else by the parser.
    const commandLane = lanes.world ?? lanes.npc;
    const commandInterpreter = commandLane
      ? new LlmCommandInterpreter({
          lane: commandLane,
          fallback: new ParserInterpreter(limits.commandMaxActions),
          logger: logger.child({ component: 'commands' }),
        })
      : undefined;
    const lane =
      lanes.world || lanes.npc
        ? new LlmOrchestrator({
            ...lanes,
            rules,
            cache,
            metrics,
            logger: logger.child({ component: 'orchestrator' }),
            worldVersion: () => runtime.world.content.version,
            now: clock,
          })
        : rules;
    const processor = new ActionProcessor({
      store,
      commands,
      checkpoints,
      memories: npcMemoryRecaller(npcMemory.recall, memoryProjection, runtime),
      runtime,
      lane,
      rules,
      scenes,
      logger: logger.child({ component: 'lanes' }),
      owner: {
        processId: lease.processId,
        partitions: new SqlActionPartitions(untyped(database.db)),
        liveProcesses: () => lease.liveProcesses(),
        adoptEveryMs: Math.min(limits.processLeaseRenewMs, Math.floor(config.PROCESS_LEASE_TTL_MS / 3)),
        // The embedded database has one process only (its data directory is locked): nobody left to wait for.
        keepAdoptedForMs: target.kind === 'pglite' ? 0 : limits.adoptedActionsWatchMs,
      },
    });
    if (role !== 'projector') {
      await processor.start();
      closers.push(() => processor.stop());
      // Every game process runs it: the events' ids are named by their causes, so they agree on one.
      const npcLife = new NpcLife({
        store,
        checkpoints,
        world: () => runtime.world,
        presence,
        clock,
        logger: logger.child({ component: 'npc-life' }),
        ...(lanes.npc
          ? {
              wording: new LlmConversationWording({
                lane: lanes.npc,
                logger: logger.child({ component: 'npc-life' }),
              }),
            }
          : {}),
      });
      await npcLife.start();
      closers.push(() => npcLife.stop());
    }

    const gateway = await buildGateway(
      {
        runtime,
        store,
        clock,
        metrics,
        projections,
        readModels: untyped(database.db),
        hotState: hotStateReader(hotState, () => clock().getTime()),
        accounts: new AccountService(
          commands,
          runtime,
          credentials,
          new PasswordHasher({ ...DEFAULT_ARGON2_COST, memoryCost: config.PASSWORD_HASH_MEMORY_KIB }),
        ),
        sessions,
        reconnectGraceMs: config.RECONNECT_GRACE_MS,
        tokens: new PlayerTokens(commands, runtime, store),
        presence,
        scenes,
        jwtSecret: config.JWT_SECRET ?? (await generatedJwtSecret(config.DATA_DIR)),
        jwtTtl: config.JWT_TTL,
        ...(config.ADMIN_TOKEN ? { adminToken: config.ADMIN_TOKEN } : {}),
        allowedOrigins: config.ALLOWED_ORIGINS,
        trustProxy: config.TRUST_PROXY,
        ...(config.METRICS_PORT !== undefined
          ? { metricsListener: { host: config.METRICS_HOST, port: config.METRICS_PORT } }
          : {}),
        worldFile: config.WORLD_FILE,
        ...(redis ? { redis, redisPrefix: config.REDIS_PREFIX } : {}),
        ...(commandInterpreter ? { commandInterpreter } : {}),
        role,
        healthChecks: {
          process: async () => ({
            role,
            process_id: lease.processId,
            projections: leadership?.status() ?? 'off (PROCESS_ROLE=game)',
          }),
          eventStore: async () => ({
            adapter: store.name,
            head_position: (await store.headPosition()).toString(),
          }),
          database: async () => {
            await database.db.selectFrom('events').select('position').limit(1).execute();
            return { adapter: target.kind };
          },
          ...(redis ? { redis: async () => ({ reply: await redis.ping() }) } : {}),
          npcMemory: async () => {
            await npcMemory.memory.ping();
            return {
              adapter: npcMemory.memory.name,
              embedder: npcMemory.embedder.name,
              memories: await npcMemory.memory.count(),
            };
          },
          lanes: async () => ({
            world: lanes.world?.status() ?? 'rules',
            npc: lanes.npc?.status() ?? 'rules',
            queue_depth: { world: lanes.world?.queueDepth ?? 0, npc: lanes.npc?.queueDepth ?? 0 },
          }),
        },
      },
      logger,
    );
    closers.push(() => gateway.close());

    return {
      gateway,
      store,
      adapters: {
        events: store.name,
        database: target.kind,
        cache: redis ? 'redis' : 'memory',
        lanes:
          lane === rules
            ? 'rules'
            : `world: ${lanes.world ? 'llm' : 'rules'}, npc: ${lanes.npc ? 'llm' : 'rules'}`,
        responseCache: cache.name,
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
