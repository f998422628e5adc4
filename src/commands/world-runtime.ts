import { createHash, randomUUID } from 'node:crypto';
import { locationDecider } from '../domain/location/location.ts';
import { playerDecider } from '../domain/player/player.ts';
import { type ContentEvent, contentDecider, WORLD_CONTENT_STREAM } from '../domain/world/content-decider.ts';
import { buildWorld, type World } from '../domain/world/world.ts';
import { ConsumerRunner } from '../infrastructure/consumers/consumer-runner.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
import type { Logger } from '../infrastructure/logger.ts';
import type { CommandHandler } from './command-handler.ts';

interface Deciders {
  player: ReturnType<typeof playerDecider>;
  location(locationId: string): ReturnType<typeof locationDecider>;
}

/**
 * The world content in force, and the deciders built on it. Loading a content version appends it to
 * the `world-content` stream; every process follows that stream, so an operator's reload reaches all
 * gateways and lanes without a restart.
 */
export class WorldRuntime {
  private current!: { world: World; deciders: Deciders };
  private checksum = '';
  private consumer: ConsumerRunner | undefined;
  private readonly listeners = new Set<(world: World) => void>();

  private constructor(
    private readonly commands: CommandHandler,
    private readonly logger: Logger,
  ) {}

  /** Records `fileWorld` as the content in force when it differs from the last version recorded. */
  static async start(
    store: EventStore,
    commands: CommandHandler,
    fileWorld: World,
    source: string,
    logger: Logger,
  ): Promise<WorldRuntime> {
    const runtime = new WorldRuntime(commands, logger);
    await runtime.load(fileWorld, source);
    // In memory, from now on: the content in force at start is the one just loaded (or recorded).
    runtime.consumer = new ConsumerRunner({
      name: 'world-content',
      store,
      filter: { streamPrefixes: [WORLD_CONTENT_STREAM] },
      logger,
      sink: {
        delivery: 'in-memory',
        from: await store.headPosition(),
        handle: (batch) => runtime.follow(batch.events as unknown as ContentEvent[]),
      },
    });
    await runtime.consumer.start();
    return runtime;
  }

  get world(): World {
    return this.current.world;
  }

  get deciders(): Deciders {
    return this.current.deciders;
  }

  onChange(listener: (world: World) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates and records a content version; returns whether it was new. */
  async load(world: World, source: string): Promise<{ version: string; changed: boolean }> {
    const checksum = createHash('sha256').update(JSON.stringify(world.content)).digest('hex');
    const handled = await this.commands.handle(
      WORLD_CONTENT_STREAM,
      contentDecider,
      { type: 'LoadContent', content: world.content, checksum, source },
      // Not the checksum: loading A, then B, then A again is a change to record each time. The decider
      // records nothing when the content is already in force, and concurrent loads retry against it.
      { commandId: `content-${randomUUID()}` },
    );
    const changed = handled.events.length > 0 && !handled.alreadyHandled;
    this.use(world, checksum);
    if (changed)
      this.logger.info({ version: world.content.version, source }, 'world content version recorded');
    return { version: this.world.content.version, changed };
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }

  /** Content versions recorded by any process; only the last of a batch is put in force. */
  private follow(events: readonly ContentEvent[]): void {
    const last = events.at(-1);
    if (!last || last.data.checksum === this.checksum) return;
    const { content, version, checksum } = last.data;
    this.use(buildWorld(content, `content version ${version}`), checksum);
    this.logger.info({ version }, 'world content version loaded by another process is now in force');
  }

  private use(world: World, checksum: string): void {
    this.checksum = checksum;
    const locations = new Map<string, ReturnType<typeof locationDecider>>();
    this.current = {
      world,
      deciders: {
        player: playerDecider(world),
        location: (locationId) => {
          let decider = locations.get(locationId);
          if (!decider) {
            decider = locationDecider(world, locationId);
            locations.set(locationId, decider);
          }
          return decider;
        },
      },
    };
    for (const listener of this.listeners) listener(world);
  }
}
