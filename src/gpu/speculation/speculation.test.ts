import { describe, expect, it } from 'vitest';
import type { Action } from '../../domain/actions.ts';
import type { Effect } from '../../domain/player/player.ts';
import { MemoryCache } from '../../infrastructure/cache/memory-cache.ts';
import { createMetrics } from '../../infrastructure/metrics.ts';
import {
  type LlmBackend,
  LlmBackendError,
  type LlmRequest,
  type LlmResponse,
} from '../backends/llm-backend.ts';
import { scriptedResponse } from '../backends/testing/scripted-response.ts';
import { LaneScheduler } from '../orchestrator/lane-scheduler.ts';
import { LlmOrchestrator } from '../orchestrator/orchestrator.ts';
import { AT, actionContext } from '../prompts/testing/context.ts';
import { RulesEngine } from '../rules/rules-engine.ts';
import { Speculator } from './speculator.ts';
import { standInPlayer } from './stand-in.ts';
import { recordingLogger } from './testing/recording-logger.ts';

/** How the scripted GPU answers one request: after a while, or by failing. */
type Turn = { delayMs: number } | 'unavailable';

/** A model server with one script for every lane: each request takes the next turn (the last one repeats). */
function scriptedGpu(name: string, turns: Turn[]) {
  const requests: { schema: string; aborted: () => boolean; done: boolean }[] = [];
  const backend: LlmBackend = {
    name,
    model: 'scripted',
    async generate<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      const turn = (turns.length > 1 ? turns.shift() : turns[0]) ?? { delayMs: 0 };
      const seen = {
        schema: request.schemaName,
        aborted: () => request.signal?.aborted === true,
        done: false,
      };
      requests.push(seen);
      if (turn === 'unavailable') throw new LlmBackendError('unavailable', '503 from the scripted server');
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, turn.delayMs);
        request.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new LlmBackendError('aborted', 'the caller gave up'));
        });
      });
      seen.done = true;
      const n = requests.length;
      const reply =
        request.schemaName === 'npc_reply'
          ? { reply: `Well met, traveller (${n}).`, emotion: 'happy', relationship_change: 0, facts: [] }
          : { narration: `Written by the model (${n}).`, effects: [] };
      return scriptedResponse(request, reply);
    },
    async ping() {},
  };
  return { backend, requests };
}

/** The orchestrator over one world and one NPC lane (both on the scripted GPU), and a speculator feeding it. */
function system(turns: Turn[], options: { slots?: number; maxQueueWaitMs?: number } = {}) {
  const gpu = scriptedGpu('gpu-1', turns);
  const metrics = createMetrics();
  const { logger, aboveDebug } = recordingLogger();
  const lane = (name: 'world' | 'npc') =>
    new LaneScheduler(name, [{ backend: gpu.backend, maxSlots: options.slots ?? 2 }], {
      maxQueueWaitMs: options.maxQueueWaitMs ?? 3_000,
      metrics,
    });
  const cache = new MemoryCache();
  const orchestrator = new LlmOrchestrator({
    world: lane('world'),
    npc: lane('npc'),
    rules: new RulesEngine(),
    cache,
    logger,
    metrics,
    worldVersion: () => 'fixture-1',
    now: () => AT,
  });
  const speculator = new Speculator({
    world: () => actionContext({ action: { action_type: 'look' } }).world,
    // The fixture's context at the place, around the stand-in, as the processor would build it.
    contextFor: async (locationId, action) =>
      actionContext({
        action,
        locationId,
        player: standInPlayer(actionContext({ action }).world, locationId),
      }),
    prefetch: (context) => orchestrator.prefetch(context),
    logger,
    metrics,
    now: () => AT,
  });
  const player = (playerId: string, action: Action, locationId: string, actionId = `${playerId}-a`) =>
    actionContext({ action, locationId, actionId, player: { playerId, username: `name-${playerId}` } });
  const resolved = (action: Action, from: string, effects: readonly Effect[]) => {
    const context = player('p1', action, from);
    speculator.afterResolved(context, {
      effects: [...effects],
      result: { action_type: action.action_type, narration: 'done' },
      source: 'llm',
    });
  };
  const counted = async () =>
    Object.fromEntries(
      (await metrics.speculations.get()).values.map((v) => [`${v.labels.kind}:${v.labels.outcome}`, v.value]),
    );
  return { gpu, orchestrator, speculator, player, resolved, counted, aboveDebug, metrics };
}

const look: Action = { action_type: 'look' };
const moveNorthToHut = ['square', [{ kind: 'move', to: 'hut' }]] as const;

describe('speculation on idle slots', () => {
  it('with idle slots, a move makes the greeting there and the description next door ready: both answered from the cache', async () => {
    const { gpu, orchestrator, speculator, player, resolved, counted } = system([{ delayMs: 10 }]);
    // Given p1 walked from the square into the elder's hut, and the speculation ran on idle slots
    resolved({ action_type: 'move', direction: 'north' }, ...moveNorthToHut);
    await speculator.settled();
    expect(await counted()).toEqual({ 'greeting:generated': 1, 'description:generated': 1 });
    const generated = gpu.requests.length;

    // When other players look around the square and greet the elder in the hut
    const looked = await orchestrator.resolve(player('p2', look, 'square'));
    const greeted = await orchestrator.resolve(
      player('p3', { action_type: 'talk', npc: 'elder', message: 'hello' }, 'hut'),
    );

    // Then both answers were written by the model ahead of time, and the model was not asked again
    expect(looked.source).toBe('cache');
    expect(looked.result.narration).toContain('Written by the model');
    expect(greeted.source).toBe('cache');
    expect(greeted.result.npc_response).toContain('Well met, traveller');
    expect(gpu.requests).toHaveLength(generated);
  });

  it('gives way to real work: the speculation is aborted, the real requests get the slots, nothing is cached', async () => {
    // Speculations are slow (they would hold both slots for 3 s); real requests are quick.
    const { gpu, orchestrator, speculator, player, resolved, counted, aboveDebug } = system(
      [{ delayMs: 3_000 }, { delayMs: 3_000 }, { delayMs: 20 }],
      { slots: 2, maxQueueWaitMs: 500 },
    );
    // Given a look around the square set both world slots to describing the hut and the woods
    resolved(look, 'square', []);
    await waitFor(() => gpu.requests.length === 2);

    // When two players say something at once (the world lane, no slot idle)
    const said = await Promise.all(
      ['p2', 'p3'].map((id) =>
        orchestrator.resolve(player(id, { action_type: 'say', message: `I am ${id}` }, 'square')),
      ),
    );
    await speculator.settled();

    // Then both got a model's answer (none a template for want of a slot), and the speculations were aborted
    expect(said.map((p) => p.source)).toEqual(['llm', 'llm']);
    expect(gpu.requests.slice(0, 2).map((r) => [r.aborted(), r.done])).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(await counted()).toEqual({ 'description:skipped': 2 });
    // Nothing of the aborted speculation was cached: the hut is described anew when looked at
    expect((await orchestrator.resolve(player('p4', look, 'hut'))).source).toBe('llm');
    expect(aboveDebug()).toEqual([]);
  });

  it('a failing speculation leaves no error, no cache entry and nothing logged above debug', async () => {
    const { gpu, orchestrator, speculator, player, resolved, counted, aboveDebug } = system([
      'unavailable',
      { delayMs: 10 },
    ]);
    // Given the model server failed the first speculation after a look around the hut
    resolved(look, 'hut', []);
    await speculator.settled();
    expect(await counted()).toEqual({ 'description:skipped': 1 });
    expect(aboveDebug()).toEqual([]);

    // When a player then looks around the square, the model is asked: nothing was cached for it
    const looked = await orchestrator.resolve(player('p2', look, 'square'));
    expect(looked.source).toBe('llm');
    expect(gpu.requests).toHaveLength(2);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('the condition never held');
}
