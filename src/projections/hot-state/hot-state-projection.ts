import { CheckpointMovedError } from '../../infrastructure/consumers/checkpoint-moved.ts';
import { ConsumerRunner, READ_MODEL_LINGER_MS } from '../../infrastructure/consumers/consumer-runner.ts';
import type { AtomicSink } from '../../infrastructure/consumers/sink.ts';
import { StandDown } from '../../infrastructure/consumers/stand-down.ts';
import type {
  AllFilter,
  EventStore,
  Position,
  StoredEvent,
} from '../../infrastructure/event-store/event-store.ts';
import type { HotState, HotStateBatch } from '../../infrastructure/hot-state/hot-state.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type {
  ReadModelDescription,
  ReadModelRunner,
  ReadModelStatus,
  RebuildProgress,
} from './read-model-runner.ts';

export const HOT_STATE_FILTER: AllFilter = {
  eventTypes: ['PlayerSpawned', 'PlayerMoved', 'PlayerRespawned', 'ActionRequested'],
};

export interface HotStateRunnerOptions {
  batchSize?: number;
  /** The first back-off after a failed batch (it doubles up to a few seconds). */
  retryDelayMs?: number;
  /** How long a live batch waits for more events (READ_MODEL_LINGER_MS by default). */
  lingerMs?: number;
}

/** The hot state a batch of events leads to: each player's last position in it, and every action. */
export function toHotStateBatch(events: readonly StoredEvent[]): HotStateBatch {
  const positions = new Map<string, HotStateBatch['positions'][number]>();
  const actions: HotStateBatch['actions'] = [];
  for (const event of events) {
    const at = Date.parse(event.metadata.timestamp);
    // A time that does not parse cannot be given a TTL: such an event (or a malformed one) is skipped rather than stall the runner.
    if (!Number.isFinite(at)) continue;
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'PlayerSpawned':
      case 'PlayerRespawned':
      case 'PlayerMoved': {
        const playerId = data.playerId;
        const locationId = event.type === 'PlayerMoved' ? data.to : data.locationId;
        if (typeof playerId === 'string' && typeof locationId === 'string')
          positions.set(playerId, { playerId, locationId, at });
        break;
      }
      case 'ActionRequested': {
        const playerId = event.metadata.playerId ?? playerOfStream(event.streamId);
        const actionType = (data.action as { action_type?: string } | undefined)?.action_type;
        if (playerId && actionType) actions.push({ playerId, actionType, at, id: event.id });
        break;
      }
    }
  }
  return { positions: [...positions.values()], actions, checkpoint: events.at(-1)?.position ?? -1n };
}

function playerOfStream(streamId: string): string | undefined {
  return streamId.startsWith('player-') ? streamId.slice('player-'.length) : undefined;
}

/**
 * Keeps the hot state current: a consumer follows its events from the live generation's checkpoint and
 * applies each batch with the new checkpoint in one step. A rebuild fills the next generation from the
 * first event while the live one keeps serving, then switches readers over and drops the old generation.
 * Each batch is a compare-and-set on the checkpoint it starts from: a second process writing the same
 * hot state (a leader deposed that has not noticed yet) is refused (CheckpointMovedError) and stops.
 */
export class HotStateRunner implements ReadModelRunner {
  readonly name = 'hot-state';
  private status: ReadModelStatus = 'stopped';
  private generation = 0;
  private paused = false;
  private rebuild: RebuildProgress | undefined;
  private readonly batchSize: number;
  private readonly consumer: ConsumerRunner;
  /** Set when another process moved the checkpoint: the consumer is being stopped. */
  private readonly standDown: StandDown;

  constructor(
    private readonly hotState: HotState,
    private readonly store: EventStore,
    private readonly logger: Logger,
    options: HotStateRunnerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2_000;
    this.standDown = new StandDown(() => this.consumer.stop(), logger, 'the hot state', this.name);
    this.consumer = new ConsumerRunner({
      name: this.name,
      store,
      filter: HOT_STATE_FILTER,
      logger,
      maxBatch: this.batchSize,
      lingerMs: options.lingerMs ?? READ_MODEL_LINGER_MS,
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
      sink: this.liveSink(),
    });
  }

  /** The live generation as an atomic sink: the adapter writes a batch and its checkpoint in one step. */
  private liveSink(): AtomicSink {
    return {
      delivery: 'atomic',
      atomicity: this.hotState.name === 'redis' ? 'redis-script' : 'in-process',
      loadCheckpoint: async () => {
        this.generation = await this.hotState.liveGeneration();
        return this.hotState.checkpoint(this.generation);
      },
      apply: async (batch) => {
        // During a delivery the consumer's position is still where this batch starts.
        const expectedCheckpoint = this.consumer.currentPosition;
        try {
          await this.hotState.applyBatch(this.generation, {
            ...toHotStateBatch(batch.events),
            expectedCheckpoint,
          });
        } catch (error) {
          if (error instanceof CheckpointMovedError) {
            this.status = 'stopped';
            this.standDown.begin(error);
          }
          throw error;
        }
      },
    };
  }

  /** Continues from the live generation's checkpoint (from the first event when there is none). */
  async start(): Promise<void> {
    await this.standDown.settle(true);
    await this.consumer.start();
    this.status = this.paused ? 'paused' : 'running';
  }

  /** It stopped because another process moved its checkpoint (and was not started since). */
  get stoodDown(): boolean {
    return this.standDown.active;
  }

  async stop(): Promise<void> {
    await this.standDown.settle();
    await this.consumer.stop();
    this.status = 'stopped';
  }

  pause(): void {
    this.paused = true;
    this.consumer.pause();
    if (this.status === 'running') this.status = 'paused';
  }

  resume(): void {
    this.paused = false;
    this.consumer.resume();
    if (this.status === 'paused') this.status = 'running';
  }

  /** Resolves once every event of the hot state is applied. */
  caughtUp(): Promise<void> {
    return this.consumer.caughtUp();
  }

  async describe(): Promise<ReadModelDescription> {
    const [head, consumer] = await Promise.all([this.store.headPosition(), this.consumer.status()]);
    return {
      name: this.name,
      status: this.status,
      position: consumer.position.toString(),
      head: head.toString(),
      lag_events: consumer.lag,
      rebuild: this.rebuild ?? null,
    };
  }

  /** Rebuilds into the next generation and switches readers to it; the live generation serves until then. */
  async rebuildInShadow(): Promise<void> {
    if (this.rebuild && this.rebuild.phase !== 'done' && this.rebuild.phase !== 'failed')
      throw new Error(`${this.name} is already rebuilding`);
    const total = (await this.store.countEvents?.(HOT_STATE_FILTER)) ?? 0;
    const progress: RebuildProgress = {
      phase: 'catching_up',
      processed: 0,
      total,
      events_per_s: 0,
      eta_s: null,
    };
    this.rebuild = progress;
    const previousStatus = this.status;
    this.status = 'rebuilding';
    const started = performance.now();
    const old = this.generation;
    const target = old + 1;
    let position: Position = -1n;
    const catchUp = async () => {
      for (;;) {
        const events = await this.store.readAll({
          after: position,
          filter: HOT_STATE_FILTER,
          maxCount: this.batchSize,
        });
        if (events.length === 0) return;
        await this.hotState.applyBatch(target, { ...toHotStateBatch(events), expectedCheckpoint: position });
        position = events.at(-1)!.position;
        progress.processed += events.length;
        progress.total = Math.max(progress.total, progress.processed);
        progress.events_per_s = Math.round(
          progress.processed / Math.max((performance.now() - started) / 1000, 0.001),
        );
        progress.eta_s =
          progress.events_per_s > 0
            ? Math.round((progress.total - progress.processed) / progress.events_per_s)
            : null;
        if (events.length < this.batchSize) return;
      }
    };
    try {
      // Left over from a rebuild that failed before its switch.
      await this.hotState.dropGeneration(target);
      await catchUp();
      progress.phase = 'switching';
      await this.consumer.exclusive(async () => {
        await catchUp();
        await this.hotState.switchGeneration(target);
        this.generation = target;
        return position;
      });
      await this.hotState.dropGeneration(old);
      progress.phase = 'done';
      progress.eta_s = 0;
      this.logger.info(
        {
          projection: this.name,
          generation: target,
          events: progress.processed,
          events_per_s: progress.events_per_s,
        },
        'hot state rebuilt and switched over',
      );
    } catch (error) {
      progress.phase = 'failed';
      progress.error = (error as Error).message;
      this.logger.error(
        { err: error, projection: this.name },
        'rebuild failed; the live hot state is unchanged',
      );
      throw error;
    } finally {
      this.status =
        previousStatus === 'stopped' || this.standDown.active
          ? 'stopped'
          : this.paused
            ? 'paused'
            : 'running';
    }
  }
}
