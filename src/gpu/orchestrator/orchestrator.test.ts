import { describe, expect, it } from 'vitest';
import type { Action } from '../../domain/actions.ts';
import { MemoryCache } from '../../infrastructure/cache/memory-cache.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import { createMetrics } from '../../infrastructure/metrics.ts';
import {
  type LlmBackend,
  LlmBackendError,
  type LlmRequest,
  type LlmResponse,
} from '../backends/llm-backend.ts';
import { NO_OPTIMIZATIONS, type Optimizations } from '../optimizations.ts';
import { AT, actionContext } from '../prompts/testing/context.ts';
import { RulesEngine } from '../rules/rules-engine.ts';
import { LaneScheduler } from './lane-scheduler.ts';
import { LlmOrchestrator } from './orchestrator.ts';

type Reply =
  | Record<string, unknown>
  | 'malformed'
  | 'unavailable'
  | { delayMs: number; reply: Record<string, unknown> };

/** A backend that answers from a script per schema name, as a model server would. */
function scriptedBackend(name: string, script: Record<string, Reply[] | Reply>) {
  const calls: LlmRequest<unknown>[] = [];
  const backend: LlmBackend = {
    name,
    model: 'scripted',
    async generate<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      calls.push(request as LlmRequest<unknown>);
      const entry = script[request.schemaName];
      let reply = Array.isArray(entry) ? entry.shift() : entry;
      if (!reply) throw new Error(`no scripted reply for ${request.schemaName}`);
      if (typeof reply === 'object' && 'delayMs' in reply) {
        const delayed = reply as { delayMs: number; reply: Record<string, unknown> };
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, delayed.delayMs);
          setTimeout(() => {
            clearTimeout(timer);
            reject(new LlmBackendError('timeout', 'took too long'));
          }, request.timeoutMs);
        });
        reply = delayed.reply;
      }
      if (reply === 'malformed') throw new LlmBackendError('malformed', 'not JSON');
      if (reply === 'unavailable') throw new LlmBackendError('unavailable', '503');
      return {
        output: request.schema.parse(reply),
        raw: JSON.stringify(reply),
        promptTokens: 100,
        completionTokens: 40,
        durationMs: 800,
        model: 'scripted',
      };
    },
    async ping() {},
  };
  return { backend, calls };
}

function orchestrator(
  backends: { world?: LlmBackend; npc?: LlmBackend },
  options: { budgetMs?: number; maxQueueWaitMs?: number; slots?: number; optimizations?: Optimizations } = {},
) {
  const metrics = createMetrics();
  const lane = (name: 'world' | 'npc', backend: LlmBackend | undefined) =>
    backend
      ? new LaneScheduler(name, [{ backend, maxSlots: options.slots ?? 4 }], {
          maxQueueWaitMs: options.maxQueueWaitMs ?? 3_000,
          metrics,
          breakerThreshold: 2,
        })
      : undefined;
  const world = lane('world', backends.world);
  const npc = lane('npc', backends.npc);
  return {
    metrics,
    lanes: new LlmOrchestrator({
      ...(world ? { world } : {}),
      ...(npc ? { npc } : {}),
      rules: new RulesEngine(),
      cache: new MemoryCache(),
      logger: createLogger(process.env.DEBUG_TEST ? 'debug' : 'silent', false),
      metrics,
      worldVersion: () => 'fixture-1',
      // The contexts are requested at AT; the clock says they were requested just now.
      now: () => AT,
      ...(options.budgetMs ? { budgetMs: options.budgetMs } : {}),
      ...(options.optimizations ? { optimizations: options.optimizations } : {}),
    }),
  };
}

const look: Action = { action_type: 'look' };
const worldSays = (narration: string, effects: unknown[] = []) => ({ narration, effects });
const fallbacks = async (metrics: ReturnType<typeof createMetrics>) =>
  Object.fromEntries(
    (await metrics.fallbacks.get()).values.map((v) => [`${v.labels.lane}:${v.labels.cause}`, v.value]),
  );

describe('the orchestrator', () => {
  it('routes talk to the NPC lane and keeps the rule engine’s result shape', async () => {
    const { backend, calls } = scriptedBackend('npc-1', {
      npc_reply: {
        reply: 'The stars remember, child.',
        emotion: 'thoughtful',
        relationship_change: 2,
        facts: [],
      },
    });
    const { lanes } = orchestrator({ npc: backend });
    const context = actionContext({
      action: { action_type: 'talk', npc: 'elder', message: 'What of the prophecy?' },
      locationId: 'hut',
    });
    const proposal = await lanes.resolve(context);
    expect(proposal).toMatchObject({
      source: 'llm',
      result: {
        action_type: 'talk',
        npc: 'Elder Zorathian',
        npc_response: 'The stars remember, child.',
        npc_emotion: 'thoughtful',
        relationship_change: 2,
      },
    });
    expect(proposal.effects).toEqual([
      expect.objectContaining({ kind: 'talk', npc: 'elder', relationshipChange: 2 }),
    ]);
    expect(calls).toHaveLength(1);
  });

  it('answers from the rules when the model opens with a stock memory phrase or repeats an earlier reply', async () => {
    const said = (reply: string) => ({ reply, emotion: 'thoughtful', relationship_change: 1, facts: [] });
    const { backend, calls } = scriptedBackend('npc-1', {
      npc_reply: [
        said('Ah, it is you again. Last time you told me of the wolves.'),
        said('The stars remember, child.'),
      ],
    });
    const { lanes, metrics } = orchestrator({ npc: backend });
    const asked = (message: string) =>
      actionContext({
        action: { action_type: 'talk', npc: 'elder', message },
        locationId: 'hut',
        memories: [
          {
            kind: 'conversation',
            text: 'What of the prophecy?',
            playerMessage: 'What of the prophecy?',
            npcReply: 'The stars remember, child!',
            playerId: 'p1',
            createdAt: '2024-04-30T09:00:00.000Z',
            importance: 4,
          },
        ],
      });
    const stock = await lanes.resolve(asked('Any news of the woods?'));
    const again = await lanes.resolve(asked('And the prophecy?'));
    expect(calls).toHaveLength(2);
    for (const proposal of [stock, again]) {
      expect(proposal.source).toBe('rules');
      expect(proposal.result.npc_response).not.toMatch(/it is you again|The stars remember, child/);
    }
    expect((await fallbacks(metrics))['npc:malformed']).toBe(2);
  });

  it('answers reading one’s own state from the rules, without a model', async () => {
    const { backend, calls } = scriptedBackend('world-1', {});
    const { lanes } = orchestrator({ world: backend });
    const proposal = await lanes.resolve(actionContext({ action: { action_type: 'inventory' } }));
    expect(proposal.source).toBe('rules');
    expect(calls).toHaveLength(0);
  });

  it('serves a location description from the cache the second time, and shares one generation in flight', async () => {
    const { backend, calls } = scriptedBackend('world-1', {
      world_outcome: worldSays('The square glows in the noon light.'),
    });
    // Optimizations off: the whole answer is the model's, keyed by the whole scene.
    const { lanes, metrics } = orchestrator({ world: backend }, { optimizations: NO_OPTIMIZATIONS });
    const [first, twin] = await Promise.all([
      lanes.resolve(actionContext({ action: look })),
      lanes.resolve(actionContext({ action: look, player: { playerId: 'p2' } })),
    ]);
    expect(first.source).toBe('llm');
    expect(twin.result.narration).toBe('The square glows in the noon light.');
    const again = await lanes.resolve(actionContext({ action: look, player: { playerId: 'p3' } }));
    expect(again).toMatchObject({
      source: 'cache',
      result: { narration: 'The square glows in the noon light.' },
    });
    expect(calls).toHaveLength(1);
    const hits = (await metrics.cacheRequests.get()).values.find((v) => v.labels.outcome === 'hit');
    expect(hits?.value).toBe(1);
  });

  it('never serves one player’s private answer to another', async () => {
    const reply = {
      reply: 'You again, with your questions.',
      emotion: 'amused',
      relationship_change: 1,
      facts: [],
    };
    const { backend, calls } = scriptedBackend('npc-1', { npc_reply: [reply, reply, reply] });
    const { lanes } = orchestrator({ npc: backend });
    const talk: Action = { action_type: 'talk', npc: 'elder', message: 'What do you know of the woods?' };
    await lanes.resolve(actionContext({ action: talk, locationId: 'hut' }));
    const same = await lanes.resolve(actionContext({ action: talk, locationId: 'hut' }));
    const other = await lanes.resolve(
      actionContext({ action: talk, locationId: 'hut', player: { playerId: 'p2', username: 'brannoc' } }),
    );
    expect(same.source).toBe('cache');
    expect(other.source).toBe('llm');
    expect(calls).toHaveLength(2);
  });

  it('answers from a template at once when the queue is too long', async () => {
    const slow = { delayMs: 400, reply: worldSays('Slowly, the world answers.') };
    const { backend } = scriptedBackend('world-1', { world_outcome: [slow, slow, slow] });
    const { lanes, metrics } = orchestrator({ world: backend }, { slots: 1, maxQueueWaitMs: 100 });
    const results = await Promise.all(
      ['x1', 'x2', 'x3'].map((actionId, i) =>
        lanes.resolve(actionContext({ action: { action_type: 'say', message: `hello ${i}` }, actionId })),
      ),
    );
    expect(results.map((r) => r.source)).toContain('template');
    expect(results.filter((r) => r.source === 'template').every((r) => r.effects.length === 1)).toBe(true);
    expect((await fallbacks(metrics))['world:queue_wait']).toBeGreaterThan(0);
  });

  it('falls back to the rule engine when a backend fails, and stops asking it once its breaker opens', async () => {
    const { backend, calls } = scriptedBackend('world-1', { world_outcome: 'unavailable' });
    const { lanes, metrics } = orchestrator({ world: backend });
    for (const message of ['one', 'two', 'three', 'four']) {
      const proposal = await lanes.resolve(actionContext({ action: { action_type: 'say', message } }));
      expect(proposal.source).toBe('rules');
    }
    expect(calls).toHaveLength(2);
    expect(await fallbacks(metrics)).toMatchObject({ 'world:unavailable': 2, 'world:breaker_open': 2 });
  });

  it('gives up on a backend that is too slow for the action’s budget and answers from the rules', async () => {
    const { backend } = scriptedBackend('world-1', {
      world_outcome: { delayMs: 4_000, reply: worldSays('Too late.') },
    });
    const { lanes, metrics } = orchestrator({ world: backend }, { budgetMs: 2_000 });
    const proposal = await lanes.resolve(
      actionContext({ action: { action_type: 'say', message: 'anyone?' } }),
    );
    expect(proposal.source).toBe('rules');
    expect((await fallbacks(metrics))['world:timeout']).toBe(1);
  });

  it('does not start a generation that cannot finish within what is left of the budget', async () => {
    const { backend, calls } = scriptedBackend('world-1', { world_outcome: worldSays('Never asked.') });
    const { lanes, metrics } = orchestrator({ world: backend }, { budgetMs: 600 });
    const proposal = await lanes.resolve(
      actionContext({ action: { action_type: 'say', message: 'quick!' } }),
    );
    expect(proposal.source).toBe('template');
    expect(calls).toHaveLength(0);
    expect((await fallbacks(metrics))['world:queue_wait']).toBe(1);
  });

  it('asks once more when the output does not parse, then falls back', async () => {
    const good = worldSays('You say it plainly, and the square listens.');
    const once = scriptedBackend('world-1', { world_outcome: ['malformed', good] });
    expect(
      (
        await orchestrator({ world: once.backend }).lanes.resolve(
          actionContext({ action: { action_type: 'say', message: 'hi' } }),
        )
      ).source,
    ).toBe('llm');
    const twice = scriptedBackend('world-2', { world_outcome: ['malformed', 'malformed'] });
    const { lanes, metrics } = orchestrator({ world: twice.backend });
    expect(
      (await lanes.resolve(actionContext({ action: { action_type: 'say', message: 'hi' } }))).source,
    ).toBe('rules');
    expect((await fallbacks(metrics))['world:malformed']).toBe(1);
  });

  it('asks both lanes in combat and merges the blow with the enemy’s taunt, told once', async () => {
    const world = scriptedBackend('world-1', {
      world_outcome: worldSays('Your fist meets fur and muscle.', [
        { kind: 'attack', enemy: 'wolf', damage_dealt: 1, damage_taken: 2 },
      ]),
    });
    const npc = scriptedBackend('npc-1', { enemy_taunt: { taunt: '"You smell of fear."' } });
    const { lanes } = orchestrator({ world: world.backend, npc: npc.backend });
    const proposal = await lanes.resolve(
      actionContext({ action: { action_type: 'attack', target: 'wolf' }, locationId: 'woods' }),
    );
    expect(proposal.source).toBe('llm');
    expect(proposal.result).toMatchObject({ action_type: 'attack', taunt: 'You smell of fear.' });
    expect(proposal.result.narration).toBe(
      'Your fist meets fur and muscle.\nThe grey wolf snarls: "You smell of fear."',
    );
    // The world model is not given the rules' line to retell: the enemy's line is added once, after.
    const asked = world.calls[0]!.messages.map((m) => m.content).join('\n');
    expect(asked).not.toContain('Grrr.');
    expect(asked).toContain('never quote an enemy');
    expect(npc.calls).toHaveLength(1);
  });

  it('narrates an enemy’s action as an action, and puts back the rules’ line when the taunt lane fails', async () => {
    const blow = () =>
      scriptedBackend('world-1', {
        world_outcome: worldSays('Your fist meets fur and muscle.', [
          { kind: 'attack', enemy: 'wolf', damage_dealt: 1, damage_taken: 2 },
        ]),
      });
    const fight = () =>
      actionContext({ action: { action_type: 'attack', target: 'wolf' }, locationId: 'woods' });
    const beast = scriptedBackend('npc-1', { enemy_taunt: { taunt: 'The grey wolf bares its teeth.' } });
    const acted = await orchestrator({ world: blow().backend, npc: beast.backend }).lanes.resolve(fight());
    expect(acted.result.narration).toBe('Your fist meets fur and muscle.\nThe grey wolf bares its teeth.');
    expect(acted.result.taunt).toBeUndefined();

    const failing = scriptedBackend('npc-2', { enemy_taunt: 'unavailable' });
    const fallen = await orchestrator({ world: blow().backend, npc: failing.backend }).lanes.resolve(fight());
    expect(fallen.result.narration).toBe('Your fist meets fur and muscle.\nThe grey wolf snarls: "Grrr."');
    expect(fallen.result.taunt).toBe('Grrr.');
    // Without a taunt lane at all, the same: the rules' line once.
    const alone = await orchestrator({ world: blow().backend }).lanes.resolve(fight());
    expect(alone.result.narration.match(/Grrr\./g)).toHaveLength(1);
  });

  it('asks for the enemy’s taunt on the first blow of a fight only, as the rules tell it once', async () => {
    const world = scriptedBackend('world-1', {
      world_outcome: worldSays('Your fist meets fur again.', [
        { kind: 'attack', enemy: 'wolf', damage_dealt: 1, damage_taken: 2 },
      ]),
    });
    const npc = scriptedBackend('npc-1', { enemy_taunt: { taunt: 'You again? You smell of fear.' } });
    const { lanes } = orchestrator({ world: world.backend, npc: npc.backend });
    // The wolf is already wounded: this fight has begun, its taunt was heard.
    const proposal = await lanes.resolve(
      actionContext({
        action: { action_type: 'attack', target: 'wolf' },
        locationId: 'woods',
        states: { woods: { enemies: { wolf: { hp: 4 } } } },
      }),
    );
    expect(proposal.source).toBe('llm');
    expect(proposal.result.narration).toContain('Your fist meets fur again.');
    expect(proposal.result.narration).not.toContain('smell of fear');
    expect(world.calls).toHaveLength(1);
    expect(npc.calls).toHaveLength(0);
  });
});
