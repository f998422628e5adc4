import { whereThePlayerStood } from '../../commands/where-the-player-stood.ts';
import type { Action } from '../../domain/actions.ts';
import { playerStream } from '../../domain/player/player.ts';
import type { PlayerEventOf } from '../../domain/player/player-events.ts';
import type { World } from '../../domain/world/world.ts';
import type { CheckpointStore } from '../../infrastructure/checkpoint-store.ts';
import { ConsumerRunner } from '../../infrastructure/consumers/consumer-runner.ts';
import type { Batch, Sink } from '../../infrastructure/consumers/sink.ts';
import type { EventStore, StoredEvent } from '../../infrastructure/event-store/event-store.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { Embedder } from '../../infrastructure/memory/embedder.ts';
import type { Situation, SituationStore } from '../../infrastructure/memory/situation-store.ts';
import { limits } from '../../limits.ts';
import { playerActionLine, playerActionSituationId } from './situation-texts.ts';

const CHECKPOINT_NAME = 'projection:player-action-situations';
const CHECKPOINT_INTERVAL_MS = 1_000;
export const PLAYER_ACTION_SITUATION_FILTER = {
  streamPrefixes: [playerStream('')],
  eventTypes: ['ActionResolved'],
};
/** Lines embedded in one call. */
const EMBED_BATCH = 64;
/** Events read per page while looking back for the request an ActionResolved answers. */
const LOOK_BACK_PAGE = 50;

type Entry = Omit<Situation, 'embedding'>;

/**
 * Each player's recent actions in the situation index, written in the background from the log:
 * every ActionResolved becomes one line ("At Village Square: take bucket. You lift…") under an id
 * derived from its event, and each player keeps the latest `limits.situationActionsPerPlayer`.
 *
 * With a durable store it is a reactor (at least once: the checkpoint is saved after the entries and
 * the pruning, and a redelivered event replaces its own entry, then the pruning runs again, so what
 * stays is what one uninterrupted run leaves). In process it is rebuilt from the first event at every
 * start. A store that is down stalls it (the batch is retried); lookups go on without recent actions.
 */
export class PlayerActionSituations {
  private readonly consumer: ConsumerRunner;
  private readonly keepPerPlayer: number;

  constructor(
    private readonly deps: {
      events: EventStore;
      embedder: Embedder;
      situations: SituationStore;
      /** The content in force: names the places. */
      world: () => World;
      logger: Logger;
      /** Where a durable situation store keeps its place; without it (in process) every start rebuilds. */
      checkpoints?: CheckpointStore | undefined;
    },
    options: {
      maxBatch?: number;
      retryDelayMs?: number;
      checkpointEveryMs?: number;
      keepPerPlayer?: number;
    } = {},
  ) {
    this.keepPerPlayer = options.keepPerPlayer ?? limits.situationActionsPerPlayer;
    const handle = (batch: Batch) => this.handle(batch);
    const sink: Sink = deps.checkpoints
      ? {
          delivery: 'at-least-once',
          checkpoints: deps.checkpoints,
          checkpointName: CHECKPOINT_NAME,
          checkpointEveryMs: options.checkpointEveryMs ?? CHECKPOINT_INTERVAL_MS,
          handle,
        }
      : { delivery: 'in-memory', from: 'start', handle };
    this.consumer = new ConsumerRunner({
      name: 'player-action-situations',
      store: deps.events,
      filter: PLAYER_ACTION_SITUATION_FILTER,
      sink,
      logger: deps.logger,
      ...(options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch }),
      retryDelayMs: options.retryDelayMs ?? 500,
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }

  status() {
    return this.consumer.status();
  }

  caughtUp(): Promise<void> {
    return this.consumer.caughtUp();
  }

  private async handle(batch: Batch): Promise<void> {
    const entries: Entry[] = [];
    for (const event of batch.events) {
      const entry = await playerActionSituation(this.deps.events, this.deps.world(), event);
      if (entry) entries.push(entry);
    }
    for (let i = 0; i < entries.length; i += EMBED_BATCH) {
      const chunk = entries.slice(i, i + EMBED_BATCH);
      const embeddings = await this.deps.embedder.embed(chunk.map((entry) => entry.text));
      await this.deps.situations.upsert(chunk.map((entry, j) => ({ ...entry, embedding: embeddings[j]! })));
    }
    const players = [...new Set(entries.map((entry) => entry.playerId!))];
    if (players.length > 0) await this.deps.situations.prunePlayerActions(players, this.keepPerPlayer);
  }
}

/**
 * The entry an ActionResolved makes: the action as requested, where the player stood when asking,
 * and the head of the narration. Undefined for other events and for actions that are no situation.
 */
export async function playerActionSituation(
  events: Pick<EventStore, 'readStream'>,
  world: World,
  event: StoredEvent,
): Promise<Entry | undefined> {
  if (event.type !== 'ActionResolved' || !event.streamId.startsWith(playerStream(''))) return undefined;
  const { actionId, result } = (event as unknown as PlayerEventOf<'ActionResolved'>).data;
  const requested = await findRequest(events, event, actionId);
  if (!requested) return undefined;
  const locationId = (await whereThePlayerStood(events, event.streamId, requested.revision)) ?? 'nowhere';
  const placeName = world.locations.get(locationId)?.name ?? locationId;
  const text = playerActionLine(requested.action, placeName, result.narration ?? '');
  if (!text) return undefined;
  return {
    id: playerActionSituationId(event.id),
    kind: 'player_action',
    subjectId: locationId,
    playerId: event.streamId.slice(playerStream('').length),
    text,
    createdAt: event.metadata.timestamp,
  };
}

async function findRequest(
  events: Pick<EventStore, 'readStream'>,
  resolved: StoredEvent,
  actionId: string,
): Promise<{ action: Action; revision: bigint } | undefined> {
  let from = resolved.revision - 1n;
  while (from >= 0n) {
    const page = await events.readStream(resolved.streamId, {
      direction: 'backwards',
      fromRevision: from,
      maxCount: LOOK_BACK_PAGE,
    });
    for (const stored of page) {
      if (stored.type !== 'ActionRequested') continue;
      const { data } = stored as unknown as PlayerEventOf<'ActionRequested'>;
      if (data.actionId === actionId) return { action: data.action, revision: stored.revision };
    }
    if (page.length < LOOK_BACK_PAGE) return undefined;
    from = page[page.length - 1]!.revision - 1n;
  }
  return undefined;
}
