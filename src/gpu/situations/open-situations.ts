import type { WorldRuntime } from '../../commands/world-runtime.ts';
import type { CheckpointStore } from '../../infrastructure/checkpoint-store.ts';
import type { EventStore } from '../../infrastructure/event-store/event-store.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { Embedder } from '../../infrastructure/memory/embedder.ts';
import { InMemorySituationStore } from '../../infrastructure/memory/in-memory-situation-store.ts';
import type { SituationStore } from '../../infrastructure/memory/situation-store.ts';
import { PlayerActionSituations } from './player-action-situations.ts';
import { EmbeddingSituationLookup, type SituationLookup } from './situation-lookup.ts';
import { WorldSituationIndexer } from './world-situations.ts';

export interface SituationSettings {
  QDRANT_URL?: string | undefined;
  QDRANT_COLLECTION: string;
}

export interface OpenedSituations {
  store: SituationStore;
  lookup: SituationLookup;
  indexer: WorldSituationIndexer;
  actions: PlayerActionSituations;
  close(): Promise<void>;
}

/**
 * The situation index beside the NPC memory (same Qdrant, collection `<QDRANT_COLLECTION>_situations`,
 * or in process; same embedder), started in the background: the world's places and NPCs are embedded
 * now and at every content change, players' actions as the log brings them. Nothing here waits for
 * the embedding: lookups find what is in so far.
 */
export async function openSituations(deps: {
  settings: SituationSettings;
  embedder: Embedder;
  events: EventStore;
  checkpoints: CheckpointStore;
  runtime: WorldRuntime;
  logger: Logger;
}): Promise<OpenedSituations> {
  const { settings, embedder, logger } = deps;
  let store: SituationStore;
  if (settings.QDRANT_URL) {
    const [probe] = await embedder.embed(['dimension probe']);
    const { QdrantSituationStore } = await import('../../infrastructure/memory/qdrant-situation-store.ts');
    store = await QdrantSituationStore.open({
      url: settings.QDRANT_URL,
      collection: `${settings.QDRANT_COLLECTION}_situations`,
      dimensions: probe!.length,
    });
  } else {
    store = new InMemorySituationStore(embedder.dimensions || undefined);
  }
  const indexer = new WorldSituationIndexer({ embedder, store, logger });
  const actions = new PlayerActionSituations({
    events: deps.events,
    embedder,
    situations: store,
    world: () => deps.runtime.world,
    logger,
    checkpoints: settings.QDRANT_URL ? deps.checkpoints : undefined,
  });
  const lookup = new EmbeddingSituationLookup({
    embedder,
    store,
    onDegraded: (error) => logger.debug({ err: error }, 'situation lookup skipped: the action goes without'),
  });
  const stopFollowing = deps.runtime.onChange((world) => indexer.request(world));
  indexer.request(deps.runtime.world);
  await actions.start();
  return {
    store,
    lookup,
    indexer,
    actions,
    async close() {
      stopFollowing();
      await actions.stop();
      await indexer.stop();
      await store.close();
    },
  };
}
