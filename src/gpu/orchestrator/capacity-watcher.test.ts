import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { limits } from '../../limits.ts';
import { OllamaBackend } from '../backends/ollama-backend.ts';
import { OpenAiCompatibleBackend } from '../backends/openai-compatible-backend.ts';
import { CapacityServer, sglangServerInfo, vllmMetrics } from '../backends/testing/capacity-server.ts';
import {
  CapacityWatcher,
  nextSlotCeiling,
  type SlotCeilingTarget,
  watchServerCapacity,
} from './capacity-watcher.ts';
import { openLanes } from './open-lanes.ts';

const MODEL = 'meta-llama/Llama-3.1-8B-Instruct';
const servers: CapacityServer[] = [];
const watchers: CapacityWatcher[] = [];
afterEach(async () => {
  await Promise.all(watchers.splice(0).map((w) => w.stop()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A lane that records the ceilings it is given. */
function recordingLane(): SlotCeilingTarget & { set: [string, number][] } {
  const set: [string, number][] = [];
  return { set, setMaxSlots: (name, n) => void set.push([name, n]) };
}

async function watched(answers: Parameters<typeof CapacityServer.start>[0], configuredSlots = 4) {
  const server = await CapacityServer.start(answers);
  servers.push(server);
  const backend = new OpenAiCompatibleBackend({ baseUrl: server.url, model: MODEL, name: 'world:gpu1' });
  const lane = recordingLane();
  const watcher = new CapacityWatcher({ backends: () => [{ backend, lane, configuredSlots }] });
  watchers.push(watcher);
  return { server, lane, watcher };
}

describe('CapacityWatcher', () => {
  it('given an SGLang server, when it polls, then the slot ceiling is the batch the server runs', async () => {
    const { lane, watcher } = await watched({
      '/get_server_info': { body: sglangServerInfo({ maxRunning: null, perRank: [64] }) },
    });
    await watcher.pollOnce();
    expect(lane.set).toEqual([['world:gpu1', 64]]);
  });

  it('given an SGLang server with a huge batch, then the ceiling stops at the limit', async () => {
    const { lane, watcher } = await watched({
      '/get_server_info': { body: sglangServerInfo({ maxRunning: 4096 }) },
    });
    await watcher.pollOnce();
    expect(lane.set).toEqual([['world:gpu1', limits.maxServerSlots]]);
  });

  it('given a vLLM server with room, when it polls twice, then the ceiling grows a step each time', async () => {
    const { lane, watcher } = await watched({
      '/metrics': { body: vllmMetrics({ model: MODEL, running: 4, waiting: 0, kvCacheUsage: 0.3 }) },
    });
    await watcher.pollOnce();
    await watcher.pollOnce();
    const step = limits.serverCapacityGrowStep;
    expect(lane.set).toEqual([
      ['world:gpu1', 4 + step],
      ['world:gpu1', 4 + 2 * step],
    ]);
  });

  it('given a vLLM server that starts queueing, then the ceiling drops to what it runs', async () => {
    const { server, lane, watcher } = await watched(
      { '/metrics': { body: vllmMetrics({ model: MODEL, running: 10, waiting: 0, kvCacheUsage: 0.5 }) } },
      16,
    );
    await watcher.pollOnce();
    server.answer('/metrics', {
      body: vllmMetrics({ model: MODEL, running: 10, waiting: 6, kvCacheUsage: 0.7 }),
    });
    await watcher.pollOnce();
    expect(lane.set.at(-1)).toEqual(['world:gpu1', 10]);
    expect(watcher.status().get('world:gpu1')).toBe(10);
  });

  it('given a server answering malformed, then the ceiling is left alone', async () => {
    const { lane, watcher } = await watched({
      '/get_server_info': { body: '<html>502 Bad Gateway</html>' },
      '/metrics': { body: '{"not": "prometheus"}' },
    });
    await watcher.pollOnce();
    expect(lane.set).toEqual([]);
  });

  it('given an Ollama backend, then it is not polled', async () => {
    const server = await CapacityServer.start();
    servers.push(server);
    const lane = recordingLane();
    const ollama = new OllamaBackend({ host: server.url, model: 'llama3.1' });
    const watcher = new CapacityWatcher({ backends: () => [{ backend: ollama, lane, configuredSlots: 4 }] });
    watchers.push(watcher);
    await watcher.pollOnce();
    expect(server.paths).toEqual([]);
    expect(lane.set).toEqual([]);
  });

  it('when started then stopped, it has polled once and stops cleanly', async () => {
    const { server, watcher } = await watched({
      '/get_server_info': { body: sglangServerInfo({ maxRunning: 32 }) },
    });
    watcher.start();
    await watcher.pollOnce();
    await watcher.stop();
    expect(server.paths).toEqual(['/get_server_info']);
  });
});

describe('watchServerCapacity', () => {
  it("given lanes opened on SGLang and Ollama servers, then the SGLang backend's slots follow its batch", async () => {
    const sglang = await CapacityServer.start({
      '/get_server_info': { body: sglangServerInfo({ maxRunning: 48 }) },
    });
    const ollama = await CapacityServer.start();
    servers.push(sglang, ollama);
    const config = loadConfig({
      OPENAI_WORLD_URL: sglang.url,
      OLLAMA_NPC_HOSTS: ollama.url,
      WORLD_SLOTS: '4',
      NPC_SLOTS: '4',
    });
    const lanes = openLanes(config);
    const watcher = watchServerCapacity(config, lanes);
    expect(watcher).toBeDefined();
    watchers.push(watcher!);
    await watcher!.pollOnce();
    expect(lanes.world?.status().map((s) => s.maxSlots)).toEqual([48]);
    expect(lanes.npc?.status().map((s) => s.maxSlots)).toEqual([4]);
    expect(ollama.paths).toEqual([]);
  });

  it('given only Ollama servers, then nothing is watched', async () => {
    const config = loadConfig({
      OLLAMA_WORLD_HOST: 'http://127.0.0.1:1',
      OLLAMA_NPC_HOSTS: 'http://127.0.0.1:2',
    });
    expect(watchServerCapacity(config, openLanes(config))).toBeUndefined();
  });
});

describe('nextSlotCeiling', () => {
  it('holds between 90 and 95 % KV cache use', () => {
    expect(nextSlotCeiling(12, { running: 12, waiting: 0, kvCacheUsage: 0.92 })).toBe(12);
  });
  it('shrinks to what runs when the KV cache is nearly full, even without a queue', () => {
    expect(nextSlotCeiling(20, { running: 14, waiting: 0, kvCacheUsage: 0.96 })).toBe(14);
  });
  it('never goes below one slot', () => {
    expect(nextSlotCeiling(3, { running: 0, waiting: 5 })).toBe(1);
  });
  it('does not grow on the KV gauge alone (no word on the queue)', () => {
    expect(nextSlotCeiling(8, { kvCacheUsage: 0.1 })).toBe(8);
  });
});
