import {
  type ActionPartitions,
  actionsCheckpointOf,
  SHARED_ACTIONS_CHECKPOINT,
} from '../infrastructure/action-partitions.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import { ConsumerRunner, type ConsumerStatus } from '../infrastructure/consumers/consumer-runner.ts';
import type { EventStore, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { ActionAdoption, ownerOf } from './action-adoption.ts';
import { ActionResolver, type ActionResolverDeps } from './action-resolver.ts';
import { ActionWorkGroup } from './action-work-group.ts';

export interface ActionProcessorDeps extends ActionResolverDeps {
  store: EventStore;
  checkpoints: CheckpointStore;
  /** Actions resolved at the same time (across players; one at a time per player). */
  concurrency?: number;
  /** Actions read ahead of the lanes (resolving or waiting their turn); default 10 000. */
  maxInFlight?: number;
  /** How often the checkpoint (below the oldest action in flight) is saved; default 500 ms. */
  checkpointEveryMs?: number;
  /** The pause before retrying a failed action grows by this much per attempt. */
  retryDelayMs?: number;
  /**
   * One of several processes: it resolves only the actions its own players requested (recorded
   * with its process id), from a checkpoint of its own, and adopts those of processes that died.
   * Without it, the processor resolves every action (one process alone, and tests).
   */
  owner?: ActionOwnership;
}

export interface ActionOwnership {
  processId: string;
  partitions: ActionPartitions;
  /** The processes whose lease has not run out. */
  liveProcesses: () => Promise<Set<string>>;
  /** How often to look for actions left by processes that died. */
  adoptEveryMs: number;
  /** How long after a dead process's lease ran out its checkpoint is still watched (see ActionAdoption). */
  keepAdoptedForMs: number;
}

const CHECKPOINT_INTERVAL_MS = 500;
const ATTEMPTS = 3;
const CONCURRENCY = 64;
/** Actions read ahead of the lanes; beyond this the processor stops reading until some finish. */
const MAX_IN_FLIGHT = 10_000;
const RETRY_DELAY_MS = 100;

/**
 * The lane handler: follows `ActionRequested` events from its checkpoint and has each one resolved
 * (asked of a lane, checked by the rules, applied, recorded: see ActionResolver), retrying a failure
 * and answering the player with one when every attempt failed.
 *
 * It is a keyed reactor: one player's actions in order, many players' at once (see ConsumerRunner).
 */
export class ActionProcessor {
  private readonly consumer: ConsumerRunner;
  private readonly checkpointName: string;
  private readonly adoption: ActionAdoption | undefined;
  /** On a store with consumer groups (EventStoreDB), several processes share the work through one. */
  private readonly workGroup: ActionWorkGroup | undefined;
  private readonly resolver: ActionResolver;

  constructor(private readonly deps: ActionProcessorDeps) {
    this.resolver = new ActionResolver(deps);
    const { owner, store } = deps;
    this.workGroup =
      owner && store.joinWorkGroup
        ? new ActionWorkGroup(
            store as EventStore & Required<Pick<EventStore, 'joinWorkGroup'>>,
            (event) => this.resolveWithRetries(event),
            deps.logger,
            deps.concurrency ?? CONCURRENCY,
          )
        : undefined;
    this.checkpointName = owner ? actionsCheckpointOf(owner.processId) : SHARED_ACTIONS_CHECKPOINT;
    this.adoption =
      owner && !this.workGroup
        ? new ActionAdoption({
            store: deps.store,
            partitions: owner.partitions,
            processId: owner.processId,
            liveProcesses: owner.liveProcesses,
            resolve: (event) => this.resolveWithRetries(event),
            logger: deps.logger,
            everyMs: owner.adoptEveryMs,
            keepForMs: owner.keepAdoptedForMs,
          })
        : undefined;
    this.consumer = new ConsumerRunner({
      name: this.checkpointName,
      store: deps.store,
      filter: { eventTypes: ['ActionRequested'] },
      logger: deps.logger,
      ...(deps.retryDelayMs !== undefined ? { retryDelayMs: deps.retryDelayMs } : {}),
      sink: {
        delivery: 'keyed-at-least-once',
        checkpoints: deps.checkpoints,
        checkpointName: this.checkpointName,
        keyOf: (event) => event.streamId,
        handle: (event) => (this.owns(event) ? this.resolveWithRetries(event) : Promise.resolve()),
        concurrency: deps.concurrency ?? CONCURRENCY,
        maxInFlight: deps.maxInFlight ?? MAX_IN_FLIGHT,
        checkpointEveryMs: deps.checkpointEveryMs ?? CHECKPOINT_INTERVAL_MS,
      },
    });
  }

  /** A process's own checkpoint starts at the head: no action before its start is its own. */
  async start(): Promise<void> {
    const { owner } = this.deps;
    if (this.workGroup) {
      const earlier = await this.deps.checkpoints.load(SHARED_ACTIONS_CHECKPOINT);
      return this.workGroup.start(earlier ?? (await this.deps.store.headPosition()));
    }
    if (owner) await owner.partitions.open(this.checkpointName, await this.deps.store.headPosition());
    await this.consumer.start();
    this.adoption?.start();
  }

  /**
   * Lets the actions being resolved finish; those waiting come again after a restart (or, when this
   * is one of several processes, are adopted by another once this one's lease is gone).
   */
  async stop(): Promise<void> {
    if (this.workGroup) return this.workGroup.stop();
    await this.adoption?.stop();
    await this.consumer.stop();
  }

  /** One pass of adopting the actions of processes that died (it also runs every `adoptEveryMs`). */
  adoptOrphans(): Promise<number> {
    return this.adoption?.adopt() ?? Promise.resolve(0);
  }

  private owns(event: StoredEvent): boolean {
    return !this.deps.owner || ownerOf(event) === this.deps.owner.processId;
  }

  /** Position, lag and failures, as every consumer reports them. */
  status(): Promise<ConsumerStatus> {
    return this.consumer.status();
  }

  private async resolveWithRetries(event: StoredEvent): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await this.resolver.resolve(event);
        return;
      } catch (error) {
        this.deps.logger.error(
          { err: error, actionEventId: event.id, attempt },
          'resolving an action failed',
        );
        await new Promise((resolve) =>
          setTimeout(resolve, (this.deps.retryDelayMs ?? RETRY_DELAY_MS) * attempt),
        );
      }
    }
    // Answer the player rather than leave the action pending forever. When even that fails (the
    // store is down), the runner retries the event later; the player's later actions wait behind it.
    await this.resolver.resolve(event, true);
  }
}
