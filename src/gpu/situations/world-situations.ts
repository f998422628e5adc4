import type { World } from '../../domain/world/world.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { Embedder } from '../../infrastructure/memory/embedder.ts';
import type { Situation, SituationStore } from '../../infrastructure/memory/situation-store.ts';
import { npcSnippet, npcText, placeSnippet, placeText, publicSituationId } from './situation-texts.ts';

/** Texts embedded in one call: an Ollama embedder takes a batch, within a sane request size. */
const EMBED_BATCH = 64;
/** After a failed indexing (the store or the embedder down), the latest content is tried again. */
const RETRY_AFTER_MS = 30_000;

export interface IndexedWorld {
  version: string;
  places: number;
  npcs: number;
  ms: number;
}

/**
 * Every place and NPC of a content version as entries without embeddings, ids from (version, id): the
 * short snippet a prompt gets is stored, the fuller text (time of day, topics) is what is embedded.
 */
export function worldSituations(world: World): (Omit<Situation, 'embedding'> & { embedText: string })[] {
  const { version } = world.content;
  const createdAt = new Date(0).toISOString();
  return [
    ...[...world.locations.values()].map((location) => ({
      id: publicSituationId('place', version, location.id),
      kind: 'place' as const,
      subjectId: location.id,
      text: placeSnippet(world, location),
      embedText: placeText(world, location),
      createdAt,
    })),
    ...[...world.npcs.values()].map((npc) => ({
      id: publicSituationId('npc', version, npc.id),
      kind: 'npc' as const,
      subjectId: npc.id,
      text: npcSnippet(world, npc),
      embedText: npcText(world, npc),
      createdAt,
    })),
  ];
}

/**
 * Embeds the world's places and NPCs into the situation store in the background, at start and again
 * whenever the content in force changes; never on a request's path. Entries of an older version are
 * dropped once the new one is in. One indexing runs at a time: a change during one is indexed after
 * it (only the latest content, when several came). A failed indexing is tried again a while later,
 * unless newer content came meanwhile.
 */
export class WorldSituationIndexer {
  private running: Promise<void> | undefined;
  private next: World | undefined;
  private latest: World | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly deps: {
      embedder: Embedder;
      store: SituationStore;
      logger: Logger;
      /** Called after each content version is in (for tests and figures). */
      onIndexed?: (indexed: IndexedWorld) => void;
      retryAfterMs?: number;
    },
  ) {}

  /** Starts indexing `world`, or queues it behind the one running. Failures are logged, not thrown. */
  request(world: World): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.next = world;
    this.latest = world;
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
    clearTimeout(this.retry);
    this.next = undefined;
    await this.idle();
  }

  /** Embeds and stores one content version now; resolves when it is in (and older ones are gone). */
  async index(world: World): Promise<IndexedWorld> {
    const started = performance.now();
    const entries = worldSituations(world);
    for (let i = 0; i < entries.length && !this.stopped; i += EMBED_BATCH) {
      const batch = entries.slice(i, i + EMBED_BATCH);
      const embeddings = await this.deps.embedder.embed(batch.map((entry) => entry.embedText));
      await this.deps.store.upsert(
        batch.map(({ embedText: _, ...entry }, j) => ({ ...entry, embedding: embeddings[j]! })),
      );
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
        if (!this.next) this.retryLater(world);
      }
    }
  }

  private retryLater(world: World): void {
    this.retry = setTimeout(() => {
      if (world === this.latest) this.request(world);
    }, this.deps.retryAfterMs ?? RETRY_AFTER_MS);
    this.retry.unref();
  }
}
