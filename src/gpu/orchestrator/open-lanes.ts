import type { Config } from '../../config.ts';
import type { Metrics } from '../../infrastructure/metrics.ts';
import { limits } from '../../limits.ts';
import type { LlmBackend } from '../backends/llm-backend.ts';
import { OllamaBackend } from '../backends/ollama-backend.ts';
import { OpenAiCompatibleBackend } from '../backends/openai-compatible-backend.ts';
import { LaneScheduler } from './lane-scheduler.ts';

type LaneSettings = Pick<
  Config,
  | 'OLLAMA_WORLD_HOST'
  | 'OPENAI_WORLD_URL'
  | 'OLLAMA_WORLD_HOSTS'
  | 'OPENAI_WORLD_URLS'
  | 'WORLD_MODEL'
  | 'WORLD_SLOTS'
  | 'OLLAMA_NPC_HOSTS'
  | 'OPENAI_NPC_URLS'
  | 'NPC_MODEL'
  | 'NPC_SLOTS'
  | 'OLLAMA_KEEP_ALIVE'
  | 'OPENAI_API_KEY'
  | 'INFERENCE_OPTIMIZATIONS'
>;

/** The single setting and the list together, each address once. */
const urlsOf = (single: string | undefined, list: string[]) => [
  ...new Set([...(single ? [single] : []), ...list]),
];

/** The LLM lanes the configuration asks for (none: the rule engine answers everything). */
export function openLanes(
  settings: LaneSettings,
  metrics?: Metrics,
): { world?: LaneScheduler; npc?: LaneScheduler } {
  const backend = (kind: 'openai' | 'ollama', url: string, model: string, lane: string): LlmBackend =>
    kind === 'openai'
      ? new OpenAiCompatibleBackend({
          baseUrl: url,
          model,
          name: `${lane}:${url}`,
          ...(settings.OPENAI_API_KEY ? { apiKey: settings.OPENAI_API_KEY } : {}),
        })
      : new OllamaBackend({
          host: url,
          model,
          keepAlive: settings.OLLAMA_KEEP_ALIVE,
          name: `${lane}:${url}`,
        });

  const openAiWorldUrls = urlsOf(settings.OPENAI_WORLD_URL, settings.OPENAI_WORLD_URLS);
  const worldUrls =
    openAiWorldUrls.length > 0
      ? openAiWorldUrls
      : urlsOf(settings.OLLAMA_WORLD_HOST, settings.OLLAMA_WORLD_HOSTS);
  const worldKind = openAiWorldUrls.length > 0 ? 'openai' : 'ollama';
  const npcUrls = urlsOf(
    undefined,
    settings.OPENAI_NPC_URLS.length > 0 ? settings.OPENAI_NPC_URLS : settings.OLLAMA_NPC_HOSTS,
  );
  const npcKind = settings.OPENAI_NPC_URLS.length > 0 ? 'openai' : 'ollama';
  const options = { maxQueueWaitMs: limits.maxQueueWaitMs, ...(metrics ? { metrics } : {}) };

  return {
    ...(worldUrls.length > 0
      ? {
          world: new LaneScheduler(
            'world',
            worldUrls.map((url) => ({
              backend: backend(worldKind, url, settings.WORLD_MODEL, 'world'),
              maxSlots: settings.WORLD_SLOTS,
            })),
            {
              ...options,
              // Each region's prompts keep to one instance, whose prefix cache already holds its scene.
              routing: settings.INFERENCE_OPTIMIZATIONS.has('region-sharding') ? 'affinity' : 'least-loaded',
            },
          ),
        }
      : {}),
    ...(npcUrls.length > 0
      ? {
          npc: new LaneScheduler(
            'npc',
            npcUrls.map((url) => ({
              backend: backend(npcKind, url, settings.NPC_MODEL, 'npc'),
              maxSlots: settings.NPC_SLOTS,
            })),
            options,
          ),
        }
      : {}),
  };
}
