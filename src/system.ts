import { randomUUID } from 'node:crypto';
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
import { watchServerCapacity } from './gpu/orchestrator/capacity-watcher.ts';
import { openLanes } from './gpu/orchestrator/open-lanes.ts';
import { LlmOrchestrator } from './gpu/orchestrator/orchestrator.ts';
import { mayWaitForModel } from './gpu/orchestrator/routing.ts';
import { SemanticCache } from './gpu/orchestrator/semantic-cache.ts';
import { RulesEngine } from './gpu/rules/rules-engine.ts';
import { openSituations } from './gpu/situations/open-situations.ts';
import { openSpeculation } from './gpu/speculation/open-speculation.ts';
import { SqlActionPartitions } from './infrastructure/action-partitions.ts';
import { MemoryCache } from './infrastructure/cache/memory-cache.ts';
import { SqlCheckpointStore } from './infrastructure/checkpoint-store.ts';
import { CredentialStore } from './infrastructure/credential-store.ts';
import { untyped } from './infrastructure/database.ts';
import type { EventStore } from './infrastructure/event-store/event-store.ts';
import type { Logger } from './infrastructure/logger.ts';
import { openNpcMemory } from './infrastructure/memory/open-memory.ts';
import { createMetrics } from './infrastructure/metrics.ts';
import { LeaseLostError, ProcessLease } from './infrastructure/process-lease.ts';
import { generatedJwtSecret } from './infrastructure/secrets.ts';
import { loadWorldFile } from './infrastructure/world-file.ts';
import { limits } from './limits.ts';
import { NpcLife } from './npc-life/npc-life.ts';
import { BusinessMetrics } from './projections/business-metrics.ts';
import { hotStateReader } from './projections/hot-state/hot-state-reader.ts';
import { NpcMemoryProjection, npcMemoryRecaller } from './projections/npc-memories.ts';
import { PresenceProjection } from './projections/presence.ts';
import type { Closers } from './system/closers.ts';
import { healthChecks } from './system/health-checks.ts';
import { startReadModels } from './system/read-models.ts';
import { openStorage } from './system/storage.ts';

export interface System {
  gateway: FastifyInstance;
  store: EventStore;
  /** Human-readable names of the adapters in use, e.g. { events: 'pglite', database: 'pglite' }. */
  adapters: Record<string, string>;
  close(): Promise<void>;
}

export interface SystemOptions {
  /** The world's clock (world time, weather, respawns, event timestamps). Real time by default. */
  clock?: () => Date;
  /** Something the game cannot run without has failed for good (the embedded database's thread). */
  onFatal?: (error: Error) => void;
}

/**
 * The composition root: picks each adapter by its URL in the configuration (embedded when unset),
 * wires the flow gateway → commands → event store → lanes → outcome events, and returns the gateway.
 * The server adapters' clients (EventStoreDB's gRPC, ioredis) are imported only when configured:
 * loading them costs the embedded default start-up time and memory for nothing.
 */
export async function startSystem(
  config: Config,
  logger: Logger,
  options: SystemOptions = {},
): Promise<System> {
  const clock = options.clock ?? (() => new Date());
  const closers: Closers = [];
  const close = async () => {
    for (const closer of closers.reverse())
      await closer().catch((error) => logger.warn({ err: error }, 'error while closing'));
  };
  const role = config.PROCESS_ROLE;
  try {
    const fileWorld = await loadWorldFile(config.WORLD_FILE);
    const metrics = createMetrics();
    const storage = await openStorage(config, logger, metrics, closers, options.onFatal);
    const { target, database, store, redis } = storage;

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
    const { hotState, projections, leadership } = await startReadModels(
      config,
      logger,
      storage,
      metrics,
      clock,
      closers,
    );
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
    // Related snippets are for model prompts only: without a model lane nothing would read them.
    const situations =
      config.INFERENCE_OPTIMIZATIONS.has('situation-embeddings') && (lanes.world || lanes.npc)
        ? await openSituations({
            settings: config,
            embedder: npcMemory.embedder,
            events: store,
            checkpoints,
            runtime,
            logger: logger.child({ component: 'situations' }),
          })
        : undefined;
    if (situations) closers.push(() => situations.close());
    if (config.INFERENCE_OPTIMIZATIONS.has('server-capacity')) {
      const capacity = watchServerCapacity(config, lanes, logger.child({ component: 'capacity' }));
      if (capacity) closers.push(() => capacity.stop());
    }
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
            optimizations: config.INFERENCE_OPTIMIZATIONS,
            ...(config.INFERENCE_OPTIMIZATIONS.has('semantic-cache')
              ? {
                  semanticCache: new SemanticCache({
                    cache,
                    embedder: npcMemory.embedder,
                    logger: logger.child({ component: 'semantic-cache' }),
                  }),
                }
              : {}),
          })
        : rules;
    // Speculative pre-computation ('speculation'): what players are likely to ask next, on idle slots only.
    const speculator = openSpeculation(config.INFERENCE_OPTIMIZATIONS, lane, {
      runtime,
      scenes,
      situations: situations?.lookup,
      lanes,
      metrics,
      clock,
      logger: logger.child({ component: 'speculation' }),
    });
    if (speculator) closers.push(() => speculator.stop());
    const processor = new ActionProcessor({
      store,
      commands,
      checkpoints,
      memories: npcMemoryRecaller(npcMemory.recall, memoryProjection, runtime),
      ...(situations ? { situations: situations.lookup } : {}),
      runtime,
      lane,
      rules,
      scenes,
      logger: logger.child({ component: 'lanes' }),
      ...(speculator
        ? { afterResolved: (context, outcome) => speculator.afterResolved(context, outcome) }
        : {}),
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
        ...(lane === rules ? {} : { mayWaitForModel: (type: string) => mayWaitForModel(lanes, type) }),
        role,
        healthChecks: healthChecks({
          role,
          processId: lease.processId,
          leadership,
          storage,
          npcMemory,
          lanes,
        }),
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
