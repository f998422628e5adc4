import type { World } from '../../domain/world/world.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { Embedder } from '../../infrastructure/memory/embedder.ts';
import type { Situation, SituationStore } from '../../infrastructure/memory/situation-store.ts';
import { npcText, placeText, publicSituationId } from './situation-texts.ts';

/** Texts embedded in one call: an Ollama embedder takes a batch, within a sane request size. */
const EMBED_BATCH = 64;

export interface IndexedWorld {
  version: string;
  places: number;
  npcs: number;
  ms: number;
}

/** Every place and NPC of a content version as entries without embeddings, ids from (version, id). */
export function worldSituations(world: World): Omit<Situation, 'embedding'>[] {
  const { version } = world.content;
  const createdAt = new Date(0).toISOString();
  return [
    ...[...world.locations.values()].map((location) => ({
      id: publicSituationId('place', version, location.id),
      kind: 'place' as const,
      subjectId: location.id,
      text: placeText(world, location),
      createdAt,
    })),
    ...[...world.npcs.values()].map((npc) => ({
      id: publicSituationId('npc', version, npc.id),
      kind: 'npc' as const,
      subjectId: npc.id,
      text: npcText(world, npc),
      createdAt,
    })),
  ];
}

/**
 * Embeds the world's places and NPCs into the situation store in the background, at start and again
 * whenever the content in force changes; never on a request's path. Entries of an older version are
 * dropped once the new one is in. One indexing runs at a time: a change during one is indexed after
 * it (only the latest content, when several came).
 */
export class WorldSituationIndexer {
  private running: Promise<void> | undefined;
  private next: World | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      embedder: Embedder;
      store: SituationStore;
      logger: Logger;
      /** Called after each content version is in (for tests and figures). */
      onIndexed?: (indexed: IndexedWorld) => void;
    },
  ) {}

  /** Starts indexing `world`, or queues it behind the one running. Failures are logged, not thrown. */
  request(world: World): void {
    if (this.stopped) return;
    this.next = world;
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once no indexing runs or waits. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.next = undefined;
    await this.idle();
  }

  /** Embeds and stores one content version now; resolves when it is in (and older ones are gone). */
  async index(world: World): Promise<IndexedWorld> {
    const started = performance.now();
    const entries = worldSituations(world);
    for (let i = 0; i < entries.length && !this.stopped; i += EMBED_BATCH) {
      const batch = entries.slice(i, i + EMBED_BATCH);
      const embeddings = await this.deps.embedder.embed(batch.map((entry) => entry.text));
      await this.deps.store.upsert(batch.map((entry, j) => ({ ...entry, embedding: embeddings[j]! })));
    }
    if (!this.stopped) await this.deps.store.retainPublic(new Set(entries.map((entry) => entry.id)));
    const indexed = {
      version: world.content.version,
      places: world.locations.size,
      npcs: world.npcs.size,
      ms: Math.round(performance.now() - started),
    };
    this.deps.onIndexed?.(indexed);
    return indexed;
  }

  private async drain(): Promise<void> {
    while (this.next && !this.stopped) {
      const world = this.next;
      this.next = undefined;
      try {
        const indexed = await this.index(world);
        this.deps.logger.info(indexed, 'situation index: places and NPCs embedded');
      } catch (error) {
        this.deps.logger.warn(
          { err: error, version: world.content.version },
          'situation index: could not embed the places and NPCs; lookups go without them',
        );
      }
    }
  }
}
