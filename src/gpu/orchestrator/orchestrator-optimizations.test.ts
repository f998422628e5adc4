import { describe, expect, it, vi } from 'vitest';
import type { Action } from '../../domain/actions.ts';
import { MemoryCache } from '../../infrastructure/cache/memory-cache.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import type { Embedder } from '../../infrastructure/memory/embedder.ts';
import { createMetrics } from '../../infrastructure/metrics.ts';
import {
  type LlmBackend,
  LlmBackendError,
  type LlmRequest,
  type LlmResponse,
} from '../backends/llm-backend.ts';
import { ALL_OPTIMIZATIONS, type Optimization, type Optimizations } from '../optimizations.ts';
import { AT, actionContext } from '../prompts/testing/context.ts';
import { RulesEngine } from '../rules/rules-engine.ts';
import { LaneScheduler, type LaneWork, type Priority, type SubmitOptions } from './lane-scheduler.ts';
import { LlmOrchestrator } from './orchestrator.ts';
import { SemanticCache } from './semantic-cache.ts';

/**
 * A model that numbers its answers and takes `delayMs` over each, giving up when its signal aborts;
 * it reports writing at `tokensPerSecond`.
 */
function numberingBackend(delayMs = 0, tokensPerSecond = 1_000) {
  const calls: LlmRequest<unknown>[] = [];
  const backend: LlmBackend = {
    name: 'model-1',
    model: 'numbering',
    async generate<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      calls.push(request as LlmRequest<unknown>);
      const n = calls.length;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, delayMs);
        request.signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(new LlmBackendError('aborted', 'the caller aborted the request'));
          },
          { once: true },
        );
      });
      const reply =
        request.schemaName === 'npc_reply'
          ? { reply: `Reply ${n}.`, emotion: 'neutral', relationship_change: 0, facts: [] }
          : { narration: `Told ${n}.`, effects: [] };
      return {
        output: request.schema.parse(reply),
        raw: JSON.stringify(reply),
        promptTokens: 1,
        completionTokens: 10,
        durationMs: (10 * 1000) / tokensPerSecond,
        model: 'numbering',
      };
    },
    async ping() {},
  };
  return { backend, calls };
}

/** The lane as it is, noting what each job was submitted with. */
class RecordingScheduler extends LaneScheduler {
  readonly submitted: { priority: Priority; options: SubmitOptions }[] = [];
  override submit<T>(priority: Priority, work: LaneWork<T>, deadline?: number, options: SubmitOptions = {}) {
    this.submitted.push({ priority, options });
    return super.submit(priority, work, deadline, options);
  }
}

function orchestrator(
  lane: 'world' | 'npc',
  backend: LlmBackend,
  options: { optimizations?: Optimizations; slots?: number; embedder?: Embedder } = {},
) {
  const metrics = createMetrics();
  const cache = new MemoryCache();
  const scheduler = new RecordingScheduler(lane, [{ backend, maxSlots: options.slots ?? 4 }], {
    maxQueueWaitMs: 3_000,
    metrics,
  });
  const lanes = new LlmOrchestrator({
    [lane]: scheduler,
    rules: new RulesEngine(),
    cache,
    logger: createLogger('silent', false),
    metrics,
    worldVersion: () => 'fixture-1',
    now: () => AT,
    ...(options.optimizations ? { optimizations: options.optimizations } : {}),
    ...(options.embedder ? { semanticCache: new SemanticCache({ cache, embedder: options.embedder }) } : {}),
  });
  return { lanes, scheduler, metrics };
}

const allBut = (left: Optimization): Optimizations =>
  new Set([...ALL_OPTIMIZATIONS].filter((optimization) => optimization !== left));
const look: Action = { action_type: 'look' };
const north: Action = { action_type: 'move', direction: 'north' };
const counted = async (counter: { get(): Promise<{ values: { labels: object; value: number }[] }> }) =>
  Object.fromEntries((await counter.get()).values.map((v) => [Object.values(v.labels).join(':'), v.value]));

describe('shared descriptions', () => {
  it('are one entry for a look at a place and a move into it, told with the rules’ lines of the moment', async () => {
    const model = numberingBackend();
    const { lanes } = orchestrator('world', model.backend);
    // Ayla looks around the hut with Brannoc there; Brannoc, alone, walks into it from the square.
    const looked = await lanes.resolve(
      actionContext({ action: look, locationId: 'hut', playersHere: ['brannoc'] }),
    );
    const walkedIn = await lanes.resolve(
      actionContext({ action: north, player: { playerId: 'p2', username: 'brannoc' }, actionId: 'b1' }),
    );

    expect(model.calls).toHaveLength(1);
    expect(looked.source).toBe('llm');
    expect(walkedIn.source).toBe('cache');
    const lines = looked.result.narration.split('\n');
    expect(lines.slice(0, 2)).toEqual(["Elder's Hut — The Village", 'Told 1.']);
    expect(lines).toContain('Also here: brannoc.');
    expect(lines.at(-1)).toBe('Exits: south (Square).');
    expect(walkedIn.result.narration).toMatch(/^You head north\.\n\nElder's Hut — The Village\nTold 1\.\n/);
    expect(walkedIn.result.narration).not.toContain('Also here');
    expect(walkedIn.effects).toEqual([{ kind: 'move', to: 'hut' }]);
    expect(walkedIn.result).toMatchObject({ moved: true, direction: 'north', from: 'square' });
    const prompt = model.calls[0]!.messages.map((m) => m.content).join('\n');
    expect(prompt).toContain("Place: Elder's Hut, The Village");
    expect(prompt).not.toMatch(/brannoc|ayla/);
  });

  it('are not used when switched off: the model tells the whole look, keyed by the whole scene', async () => {
    const model = numberingBackend();
    const { lanes } = orchestrator('world', model.backend, { optimizations: allBut('shared-descriptions') });
    const looked = await lanes.resolve(
      actionContext({ action: look, locationId: 'hut', playersHere: ['brannoc'] }),
    );
    const walkedIn = await lanes.resolve(actionContext({ action: north, player: { playerId: 'p2' } }));
    expect(looked.result.narration).toBe('Told 1.');
    expect(walkedIn.result.narration).toBe('Told 2.');
    expect(model.calls).toHaveLength(2);
  });
});

describe('the output budget', () => {
  it('asks for no longer an answer than the backend writes in the time left, the kind’s ceiling at most', async () => {
    const model = numberingBackend(0, 10);
    const { lanes } = orchestrator('world', model.backend);
    await lanes.resolve(actionContext({ action: look, locationId: 'hut' }));
    await lanes.resolve(actionContext({ action: look, locationId: 'woods' }));
    // Unmeasured: the description's ceiling; then 10 tokens/s for the 4.7 s left of the action's budget.
    expect(model.calls[0]!.maxTokens).toBe(160);
    expect(model.calls[1]!.maxTokens).toBeGreaterThanOrEqual(40);
    expect(model.calls[1]!.maxTokens).toBeLessThanOrEqual(47);
  });
});

describe('region affinity', () => {
  it('sends a world-lane job with its region as affinity key, unless region sharding is off', async () => {
    const sharded = orchestrator('world', numberingBackend().backend);
    await sharded.lanes.resolve(actionContext({ action: look, locationId: 'woods' }));
    await sharded.lanes.resolve(actionContext({ action: { action_type: 'say', message: 'hi' } }));
    expect(sharded.scheduler.submitted.map((s) => s.options)).toEqual([
      { affinity: 'woods' },
      { affinity: 'village' },
    ]);
    const unsharded = orchestrator('world', numberingBackend().backend, {
      optimizations: allBut('region-sharding'),
    });
    await unsharded.lanes.resolve(actionContext({ action: look, locationId: 'woods' }));
    expect(unsharded.scheduler.submitted.map((s) => s.options)).toEqual([{}]);
  });
});

describe('prefetch', () => {
  it('generates a public answer ahead at the speculative priority, found by the real request', async () => {
    const model = numberingBackend();
    const { lanes, scheduler, metrics } = orchestrator('world', model.backend);
    expect(await lanes.prefetch(actionContext({ action: look, locationId: 'hut', actionId: 'spec' }))).toBe(
      'generated',
    );
    expect(await lanes.prefetch(actionContext({ action: look, locationId: 'hut', actionId: 'spec2' }))).toBe(
      'cached',
    );
    const walkedIn = await lanes.resolve(actionContext({ action: north, player: { playerId: 'p2' } }));
    expect(walkedIn.source).toBe('cache');
    expect(walkedIn.result.narration).toContain('Told 1.');
    expect(model.calls).toHaveLength(1);
    expect(scheduler.submitted.map((s) => s.priority)).toEqual(['speculative']);
    expect(await counted(metrics.prefetches)).toEqual({ 'world:generated': 1, 'world:cached': 1 });
  });

  it('does not hold a speculation’s timeouts against the backend: its breaker stays closed', async () => {
    // Given a model that times out on everything, with the whole budget still ahead
    const timingOut: LlmBackend = {
      name: 'model-1',
      model: 'slow',
      generate: () => Promise.reject(new LlmBackendError('timeout', 'no answer within the time given')),
      ping: async () => {},
    };
    const { lanes, scheduler } = orchestrator('world', timingOut);
    // When more speculations than the breaker's threshold time out
    for (const place of ['hut', 'woods', 'square', 'hut', 'woods', 'square', 'hut'])
      expect(await lanes.prefetch(actionContext({ action: look, locationId: place }))).toBe('skipped');
    // Then the lane still takes real requests
    expect(scheduler.status()[0]?.breaker).toBe('closed');
  });

  it('skips what is not public, what a busy lane has no slot for, and everything when switched off', async () => {
    const model = numberingBackend(500);
    const { lanes } = orchestrator('world', model.backend, { slots: 1 });
    expect(await lanes.prefetch(actionContext({ action: { action_type: 'say', message: 'hi' } }))).toBe(
      'skipped',
    );
    const busy = lanes.resolve(actionContext({ action: look, locationId: 'woods' }));
    await vi.waitFor(() => expect(model.calls).toHaveLength(1));
    expect(await lanes.prefetch(actionContext({ action: look, locationId: 'hut' }))).toBe('skipped');
    await busy;
    const off = orchestrator('world', model.backend, { optimizations: allBut('speculation') });
    expect(await off.lanes.prefetch(actionContext({ action: look, locationId: 'hut' }))).toBe('skipped');
    expect(model.calls).toHaveLength(1);
  });

  it('leaves a real request that joined a speculation to ask for itself when the lane takes the slot back', async () => {
    const model = numberingBackend(500);
    const { lanes, metrics } = orchestrator('world', model.backend, { slots: 1 });
    const speculation = lanes.prefetch(actionContext({ action: look, locationId: 'hut', actionId: 'spec' }));
    await vi.waitFor(() => expect(model.calls).toHaveLength(1));
    // The real look at the hut joins the speculation in flight (right after counting its cache miss)...
    const joined = lanes.resolve(
      actionContext({ action: look, locationId: 'hut', player: { playerId: 'p2' } }),
    );
    await vi.waitFor(async () =>
      expect(await counted(metrics.cacheRequests)).toEqual({ 'description:miss': 1 }),
    );
    // ...which gives its slot up when other real work arrives.
    const other = lanes.resolve(
      actionContext({ action: look, locationId: 'woods', player: { playerId: 'p3' } }),
    );
    expect(await speculation).toBe('skipped');
    expect((await joined).source).toBe('llm');
    expect((await other).source).toBe('llm');
    expect(model.calls).toHaveLength(3);
  });
});

/** Embeds by topic: every wording about the woods alike, everything else alike. */
const topicEmbedder: Embedder = {
  name: 'topics',
  dimensions: 2,
  async embed(texts) {
    return texts.map((text) => (text.includes('woods') ? [1, 0] : [0, 1]));
  },
};

describe('the semantic cache in the flow', () => {
  const talk = (message: string): Action => ({ action_type: 'talk', npc: 'elder', message });

  it('answers a similar wording of the same player with the answer found, recorded in this player’s words', async () => {
    const model = numberingBackend();
    const { lanes, metrics } = orchestrator('npc', model.backend, { embedder: topicEmbedder });
    const asked = await lanes.resolve(
      actionContext({ action: talk('What do you know of the woods?'), locationId: 'hut' }),
    );
    const again = await lanes.resolve(
      actionContext({ action: talk('Tell me about the woods'), locationId: 'hut', actionId: 'a2' }),
    );
    expect(asked.source).toBe('llm');
    expect(again.source).toBe('semantic_cache');
    expect(again.result.npc_response).toBe('Reply 1.');
    expect(again.effects).toMatchObject([
      { kind: 'talk', message: 'Tell me about the woods', reply: 'Reply 1.' },
    ]);
    expect(model.calls).toHaveLength(1);
    expect(await counted(metrics.cacheRequests)).toMatchObject({
      'action:miss': 1,
      'action:semantic_hit': 1,
    });
  });

  it('is asked only within the player’s own scope, and not at all when switched off', async () => {
    const model = numberingBackend();
    const { lanes } = orchestrator('npc', model.backend, { embedder: topicEmbedder });
    await lanes.resolve(actionContext({ action: talk('What do you know of the woods?'), locationId: 'hut' }));
    const other = await lanes.resolve(
      actionContext({
        action: talk('Tell me about the woods'),
        locationId: 'hut',
        player: { playerId: 'p2', username: 'brannoc' },
      }),
    );
    expect(other.source).toBe('llm');

    const off = orchestrator('npc', model.backend, {
      embedder: topicEmbedder,
      optimizations: allBut('semantic-cache'),
    });
    await off.lanes.resolve(
      actionContext({ action: talk('What do you know of the woods?'), locationId: 'hut' }),
    );
    const again = await off.lanes.resolve(
      actionContext({ action: talk('Tell me about the woods'), locationId: 'hut', actionId: 'a2' }),
    );
    expect(again.source).toBe('llm');
    expect(model.calls).toHaveLength(4);
  });
});
