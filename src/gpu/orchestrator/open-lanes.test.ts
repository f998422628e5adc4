import { describe, expect, it } from 'vitest';
import { environmentSchema } from '../../config.ts';
import { openLanes } from './open-lanes.ts';

const settings = (env: Record<string, string>) => environmentSchema.parse(env);

describe('opening the LLM lanes', () => {
  it('builds one world lane over the single host and the list, sharded by region when region-sharding is on', () => {
    const { world } = openLanes(
      settings({
        OLLAMA_WORLD_HOST: 'http://gpu-a:11434',
        OLLAMA_WORLD_HOSTS: 'http://gpu-b:11434, http://gpu-c:11434,http://gpu-a:11434',
      }),
    );
    const status = world!.status();
    expect(status.map((s) => s.backend)).toEqual([
      'world:http://gpu-a:11434',
      'world:http://gpu-b:11434',
      'world:http://gpu-c:11434',
    ]);
    expect(status.every((s) => (s.ringShare ?? 0) > 0)).toBe(true);
  });

  it('routes the world lane by load when region-sharding is switched off, and never shards the NPC lane', () => {
    const { world, npc } = openLanes(
      settings({
        OPENAI_WORLD_URLS: 'http://vllm-a:8000,http://vllm-b:8000',
        OLLAMA_NPC_HOSTS: 'http://npc-a:11434,http://npc-b:11434',
        INFERENCE_OPTIMIZATIONS: 'all,-region-sharding',
      }),
    );
    expect(world!.status().map((s) => s.backend)).toEqual([
      'world:http://vllm-a:8000',
      'world:http://vllm-b:8000',
    ]);
    expect(world!.status()[0]).not.toHaveProperty('ringShare');
    expect(npc!.status()[0]).not.toHaveProperty('ringShare');
  });

  it('keeps OPENAI_WORLD_URL alone working, and opens no world lane without any world setting', () => {
    expect(openLanes(settings({ OPENAI_WORLD_URL: 'http://vllm:8000' })).world!.status()).toHaveLength(1);
    expect(openLanes(settings({})).world).toBeUndefined();
  });

  it('refuses a world list entry that is not a URL', () => {
    expect(() => settings({ OLLAMA_WORLD_HOSTS: 'http://gpu-a:11434,not a url' })).toThrow();
  });
});
