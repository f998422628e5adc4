import { afterEach, describe, expect, it } from 'vitest';
import { CommandHandler } from '../../commands/command-handler.ts';
import { SceneReader } from '../../commands/scene-reader.ts';
import { WorldRuntime } from '../../commands/world-runtime.ts';
import type { Action } from '../../domain/actions.ts';
import { playerStream } from '../../domain/player/player.ts';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import { MemoryCache } from '../../infrastructure/cache/memory-cache.ts';
import type { CheckpointStore } from '../../infrastructure/checkpoint-store.ts';
import type { EventStore } from '../../infrastructure/event-store/event-store.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import { createMetrics } from '../../infrastructure/metrics.ts';
import { openInMemoryEventStore } from '../../infrastructure/testing/embedded-store.ts';
import { PresenceProjection } from '../../projections/presence.ts';
import { ActionProcessor } from '../action-processor.ts';
import type { LlmBackend, LlmRequest, LlmResponse } from '../backends/llm-backend.ts';
import { scriptedResponse } from '../backends/testing/scripted-response.ts';
import { ALL_OPTIMIZATIONS, parseOptimizations } from '../optimizations.ts';
import { LaneScheduler } from '../orchestrator/lane-scheduler.ts';
import { LlmOrchestrator } from '../orchestrator/orchestrator.ts';
import { RulesEngine } from '../rules/rules-engine.ts';
import type { SituationLookup } from '../situations/situation-lookup.ts';
import { openSpeculation } from './open-speculation.ts';
import { recordingLogger } from './testing/recording-logger.ts';

/**
 * A model server that answers every request at once, and counts them. Asked to go north (the only move
 * in these tests: from the square to the hut), it proposes the move, as the rules would.
 */
function quickGpu() {
  const asked: string[] = [];
  const backend: LlmBackend = {
    name: 'gpu-1',
    model: 'scripted',
    async generate<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      asked.push(request.schemaName);
      const reply =
        request.schemaName === 'npc_reply'
          ? { reply: 'Well met.', emotion: 'happy', relationship_change: 0, facts: [] }
          : {
              narration: `Written by the model (${asked.length}).`,
              effects: request.messages.at(-1)?.content.includes('<player_input>go north</player_input>')
                ? [{ kind: 'move', to: 'hut' }]
                : [],
            };
      return scriptedResponse(request, reply);
    },
    async ping() {},
  };
  return { backend, asked };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** The action pipeline (store, processor, real scenes) with the orchestrator and the speculator as system.ts wires them. */
async function pipeline(
  options: { throwingHook?: boolean; optimizations?: string; situations?: SituationLookup } = {},
) {
  const optimizations = options.optimizations ? parseOptimizations(options.optimizations) : ALL_OPTIMIZATIONS;
  const store: EventStore = await openInMemoryEventStore();
  closers.push(() => store.close());
  const commands = new CommandHandler(store);
  const { logger, aboveDebug } = recordingLogger();
  const runtime = await WorldRuntime.start(
    store,
    commands,
    fixtureWorld(),
    'fixture',
    createLogger('silent', false),
  );
  const presence = new PresenceProjection();
  await presence.start(store);
  closers.push(() => presence.stop());
  const scenes = new SceneReader(commands, runtime, presence);
  const gpu = quickGpu();
  const metrics = createMetrics();
  const lane = (name: 'world' | 'npc') =>
    new LaneScheduler(name, [{ backend: gpu.backend, maxSlots: 2 }], { maxQueueWaitMs: 3_000, metrics });
  const rules = new RulesEngine();
  const orchestrator = new LlmOrchestrator({
    world: lane('world'),
    npc: lane('npc'),
    rules,
    cache: new MemoryCache(),
    logger,
    metrics,
    worldVersion: () => runtime.world.content.version,
    optimizations,
  });
  const { situations } = options;
  const speculator = openSpeculation(optimizations, orchestrator, {
    runtime,
    scenes,
    situations,
    logger,
    metrics,
  });
  if (!speculator) throw new Error('no speculator with every optimization on');
  const saved = new Map<string, bigint>();
  const checkpoints: CheckpointStore = {
    load: async (name) => saved.get(name),
    save: async (name, position) => void saved.set(name, position),
  };
  const processor = new ActionProcessor({
    store,
    commands,
    checkpoints,
    runtime,
    lane: orchestrator,
    rules,
    scenes,
    logger,
    ...(situations ? { situations } : {}),
    afterResolved: options.throwingHook
      ? () => {
          throw new Error('the hook broke');
        }
      : (context, outcome) => speculator.afterResolved(context, outcome),
  });
  await processor.start();
  closers.push(() => processor.stop());
  closers.push(() => speculator.stop());

  const players = runtime.deciders.player;
  let n = 0;
  const register = (playerId: string) =>
    commands.handle(
      playerStream(playerId),
      players,
      { type: 'RegisterPlayer', playerId, username: `name-${playerId}` },
      { commandId: `reg-${playerId}` },
    );
  /** Requests an action and waits for its result as recorded. */
  const act = async (playerId: string, action: Action) => {
    const actionId = `${playerId}-${++n}`;
    await commands.handle(
      playerStream(playerId),
      players,
      { type: 'RequestAction', actionId, action },
      { commandId: `req-${actionId}` },
    );
    for (let i = 0; i < 1_000; i++) {
      const resolved = (await store.readStream(playerStream(playerId))).find(
        (e) => e.type === 'ActionResolved' && (e.data as { actionId: string }).actionId === actionId,
      );
      if (resolved) return resolved.data as { source: string; result: { narration?: string } };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`action ${actionId} was never resolved`);
  };
  /**
   * Waits for the speculation after an action to be done: the action's result is recorded a moment
   * before the speculator is told of it, so first wait until it has counted the descriptions it wrote.
   */
  const speculated = async (descriptions: number) => {
    for (let i = 0; i < 1_000; i++) {
      const written = (await metrics.speculations.get()).values
        .filter((v) => v.labels.kind === 'description' && v.labels.outcome === 'generated')
        .reduce((sum, v) => sum + v.value, 0);
      if (written >= descriptions) return speculator.settled();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`fewer than ${descriptions} descriptions were speculated`);
  };
  return { register, act, speculator, speculated, gpu, aboveDebug };
}

// An embedded database per test: slow to open on a loaded machine.
describe('speculation in the action pipeline', { timeout: 120_000 }, () => {
  it('a player walking into the hut has the square described for the next one who looks there', async () => {
    const { register, act, speculator, speculated, gpu, aboveDebug } = await pipeline();
    await register('p1');
    await register('p2');
    // Given p1 walked from the square north into the hut (the square is the hut's only way out)
    expect((await act('p1', { action_type: 'move', direction: 'north' })).source).toBe('llm');
    await speculated(1);
    const asked = gpu.asked.length;
    // When p2, in the square, looks around
    const looked = await act('p2', { action_type: 'look' });
    // Then the answer was ready in the cache, written by the model before p2 asked
    expect(looked.source).toBe('cache');
    const written = Number(/Written by the model \((\d+)\)/.exec(looked.result.narration ?? '')?.[1]);
    expect(written).toBeLessThanOrEqual(asked);
    await speculator.settled();
    expect(aboveDebug()).toEqual([]);
  });

  it('builds the stand-in’s context as the processor does: related public snippets in a prompt match too', async () => {
    // Given descriptions not shared apart (the look's own public prompt) and a situation index whose
    // public snippets go into that prompt
    const situations: SituationLookup = {
      related: async () => ({ public: ['The old mill creaks in the wind.'], private: [] }),
    };
    const { register, act, speculated } = await pipeline({
      optimizations: 'all,-shared-descriptions',
      situations,
    });
    await register('p1');
    await register('p2');
    await act('p1', { action_type: 'move', direction: 'north' });
    await speculated(1);
    // When p2 looks around the square, the speculated answer is the one found
    expect((await act('p2', { action_type: 'look' })).source).toBe('cache');
  });

  it('a hook that throws does not hold up nor fail the action', async () => {
    const { register, act, aboveDebug } = await pipeline({ throwingHook: true });
    await register('p1');
    expect((await act('p1', { action_type: 'look' })).source).toBe('llm');
    expect(aboveDebug()).toEqual([]);
  });

  it('is not opened with speculation switched off, nor without a model', () => {
    const deps = {} as Parameters<typeof openSpeculation>[2];
    const orchestrator = new LlmOrchestrator({
      rules: new RulesEngine(),
      cache: new MemoryCache(),
      logger: recordingLogger().logger,
      worldVersion: () => '1',
    });
    expect(openSpeculation(parseOptimizations('all,-speculation'), orchestrator, deps)).toBeUndefined();
    expect(openSpeculation(ALL_OPTIMIZATIONS, new RulesEngine(), deps)).toBeUndefined();
    expect(openSpeculation(ALL_OPTIMIZATIONS, orchestrator, deps)).toBeDefined();
  });
});
