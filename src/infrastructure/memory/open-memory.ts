import type { Logger } from '../logger.ts';
import { type Embedder, LocalHashEmbedder, OllamaEmbedder } from './embedder.ts';
import { InMemoryVectorMemory } from './in-memory-vector-memory.ts';
import { MemoryRecall } from './memory-recall.ts';
import type { VectorMemory } from './vector-memory.ts';

export interface MemorySettings {
  QDRANT_URL?: string | undefined;
  QDRANT_COLLECTION: string;
  OLLAMA_EMBED_HOST?: string | undefined;
  OLLAMA_EMBED_MODEL: string;
}

/** The NPC memory adapters chosen by configuration: Qdrant or in-process; Ollama or local embeddings. */
export async function openNpcMemory(settings: MemorySettings, logger: Logger) {
  const embedder: Embedder = settings.OLLAMA_EMBED_HOST
    ? new OllamaEmbedder({ host: settings.OLLAMA_EMBED_HOST, model: settings.OLLAMA_EMBED_MODEL })
    : new LocalHashEmbedder();
  let memory: VectorMemory;
  if (settings.QDRANT_URL) {
    // The collection's vector size is the embedder's; an Ollama embedder learns it from its first answer.
    const [probe] = await embedder.embed(['dimension probe']);
    // Imported only when configured: its HTTP client (undici) is a start-up cost the default skips.
    const { QdrantVectorMemory } = await import('./qdrant-vector-memory.ts');
    memory = await QdrantVectorMemory.open({
      url: settings.QDRANT_URL,
      collection: settings.QDRANT_COLLECTION,
      dimensions: probe!.length,
    });
  } else {
    memory = new InMemoryVectorMemory(embedder.dimensions || undefined);
  }
  const recall = new MemoryRecall({
    embedder,
    memory,
    onDegraded: (error) => logger.warn({ err: error }, 'NPC memory unavailable: replying without memories'),
  });
  return { embedder, memory, recall, durable: settings.QDRANT_URL !== undefined };
}
