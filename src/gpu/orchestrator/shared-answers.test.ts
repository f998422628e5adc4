import { describe, expect, it } from 'vitest';
import type { Action } from '../../domain/actions.ts';
import type { PlayerState } from '../../domain/player/player.ts';
import { MemoryCache } from '../../infrastructure/cache/memory-cache.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import type { Embedder } from '../../infrastructure/memory/embedder.ts';
import type { LlmBackend, LlmRequest, LlmResponse } from '../backends/llm-backend.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { NO_OPTIMIZATIONS, type Optimizations } from '../optimizations.ts';
import { AT, actionContext } from '../prompts/testing/context.ts';
import { RulesEngine } from '../rules/rules-engine.ts';
import { LaneScheduler } from './lane-scheduler.ts';
import { LlmOrchestrator } from './orchestrator.ts';
import { SemanticCache } from './semantic-cache.ts';

/**
 * The most indiscreet model there is: it answers with everything it was told about the situation and
 * the player (the user messages, word for word), so any private fact in a prompt shows in its answer.
 */
function echoingBackend() {
  const calls: LlmRequest<unknown>[] = [];
  const backend: LlmBackend = {
    name: 'echo',
    model: 'echo',
    async generate<T>(request: LlmRequest<T>): Promise<LlmResponse<T>> {
      calls.push(request as LlmRequest<unknown>);
      // Let every concurrent caller reach the shared flight before this one answers.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const told = request.messages
        .filter((m) => m.role === 'user')
        .map((m) => m.content)
        .join('\n');
      const reply =
        request.schemaName === 'npc_reply'
          ? { reply: told.slice(0, 1000), emotion: 'neutral', relationship_change: 0, facts: [] }
          : { narration: told.slice(0, 2000), effects: [] };
      return {
        output: request.schema.parse(reply),
        raw: JSON.stringify(reply),
        promptTokens: 1,
        completionTokens: 1,
        durationMs: 1,
        model: 'echo',
      };
    },
    async ping() {},
  };
  return { backend, calls };
}

function orchestrator(lane: 'world' | 'npc', backend: LlmBackend, optimizations?: Optimizations) {
  const scheduler = new LaneScheduler(lane, [{ backend, maxSlots: 4 }], { maxQueueWaitMs: 3_000 });
  return new LlmOrchestrator({
    ...(optimizations ? { optimizations } : {}),
    [lane]: scheduler,
    rules: new RulesEngine(),
    cache: new MemoryCache(),
    logger: createLogger('silent', false),
    worldVersion: () => 'fixture-1',
    now: () => AT,
  });
}

/** Two players in one place, as unlike as can be in everything that is theirs alone. */
const ayla: Partial<PlayerState> = {
  playerId: 'p-ayla',
  username: 'ayla',
  hp: 3,
  xp: 120,
  inventory: ['vest'],
  quests: { prophecy: { status: 'active', step: 1 } },
  relationships: { elder: 5 },
};
const brannoc: Partial<PlayerState> = {
  playerId: 'p-brannoc',
  username: 'brannoc',
  hp: 10,
  xp: 7,
  inventory: ['petal'],
  quests: { prophecy: { status: 'completed', step: 3 } },
  relationships: { elder: 8 },
};
/** What the prompts would say of each, were they private. */
const privateFacts = {
  ayla: ['ayla', 'HP 3', '120 XP', 'leather vest', 'Defeat the wolf', '(active', 'feeling toward them: 5'],
  brannoc: ['brannoc', 'HP 10', '7 XP', 'moon petal', '(completed)', 'feeling toward them: 8'],
};

const told = (proposal: Proposal) => JSON.stringify(proposal.result);

function expectNoPrivateFacts(proposal: Proposal) {
  for (const fact of [...privateFacts.ayla, ...privateFacts.brannoc])
    expect(told(proposal)).not.toContain(fact);
}

const look: Action = { action_type: 'look' };
const hello: Action = { action_type: 'talk', npc: 'elder', message: 'Hello!' };
const inTheSquare = (player: Partial<PlayerState>, action: Action, actionId: string): ActionContext =>
  actionContext({ action, player, actionId, locationId: 'square' });
const inTheHut = (player: Partial<PlayerState>, action: Action, actionId: string): ActionContext =>
  actionContext({ action, player, actionId, locationId: 'hut' });

describe('answers shared between players', () => {
  it('come from a model that does repeat private facts when a prompt holds them', async () => {
    const world = echoingBackend();
    const said = await orchestrator('world', world.backend).resolve(
      inTheSquare(ayla, { action_type: 'say', message: 'hi' }, 'a1'),
    );
    for (const fact of ['ayla', 'HP 3', '120 XP', 'leather vest', 'Defeat the wolf'])
      expect(told(said)).toContain(fact);
    const npc = echoingBackend();
    const asked = await orchestrator('npc', npc.backend).resolve(
      inTheHut(ayla, { action_type: 'talk', npc: 'elder', message: 'What of the prophecy?' }, 'a1'),
    );
    for (const fact of ['ayla', '(active, now: Defeat the wolf', 'leather vest', 'feeling toward them: 5'])
      expect(told(asked)).toContain(fact);
  });

  it('never carry one player’s private facts to another from the cache', async () => {
    const world = echoingBackend();
    const lanes = orchestrator('world', world.backend);
    const first = await lanes.resolve(inTheSquare(ayla, look, 'a1'));
    const second = await lanes.resolve(inTheSquare(brannoc, look, 'b1'));
    expect(first.source).toBe('llm');
    expect(second.source).toBe('cache');
    expect(world.calls).toHaveLength(1);
    expect(told(first)).toContain('Square');
    for (const answer of [first, second]) expectNoPrivateFacts(answer);

    const npc = echoingBackend();
    const elder = orchestrator('npc', npc.backend);
    const greeted = await elder.resolve(inTheHut(brannoc, hello, 'b2'));
    const again = await elder.resolve(inTheHut(ayla, hello, 'a2'));
    expect(greeted.source).toBe('llm');
    expect(again.source).toBe('cache');
    expect(npc.calls).toHaveLength(1);
    for (const answer of [greeted, again]) expectNoPrivateFacts(answer);
  });

  it('never carry one player’s private facts to another through a generation shared in flight', async () => {
    const world = echoingBackend();
    const lanes = orchestrator('world', world.backend);
    const looks = await Promise.all([
      lanes.resolve(inTheSquare(ayla, look, 'a1')),
      lanes.resolve(inTheSquare(brannoc, look, 'b1')),
    ]);
    expect(world.calls).toHaveLength(1);
    expect(looks.map((p) => p.source)).toEqual(['llm', 'llm']);
    for (const answer of looks) expectNoPrivateFacts(answer);

    const npc = echoingBackend();
    const elder = orchestrator('npc', npc.backend);
    const greetings = await Promise.all([
      elder.resolve(inTheHut(ayla, hello, 'a2')),
      elder.resolve(inTheHut(brannoc, hello, 'b2')),
    ]);
    expect(npc.calls).toHaveLength(1);
    expect(greetings.map((p) => p.source)).toEqual(['llm', 'llm']);
    for (const answer of greetings) expectNoPrivateFacts(answer);
  });

  it('are found only by a request whose prompt is the very same', async () => {
    // Both go north to the hut, which looks the same to both; the square they leave does not.
    // (Without shared descriptions: the whole answer is the model's, its key the whole prompt.)
    const world = echoingBackend();
    const lanes = orchestrator('world', world.backend, NO_OPTIMIZATIONS);
    const north: Action = { action_type: 'move', direction: 'north' };
    const first = await lanes.resolve(actionContext({ action: north, player: ayla, actionId: 'a1' }));
    const second = await lanes.resolve(
      actionContext({ action: north, player: brannoc, actionId: 'b1', states: { square: { items: [] } } }),
    );
    expect(first.source).toBe('llm');
    expect(second.source).toBe('llm');
    expect(world.calls).toHaveLength(2);
    expect(told(first)).toContain('Lying here');
    expect(told(second)).not.toContain('Lying here');
  });
});

/** An embedder for which every wording is alike: the semantic cache finds whatever its bucket holds. */
const everythingAlike: Embedder = {
  name: 'everything-alike',
  dimensions: 2,
  async embed(texts) {
    return texts.map(() => [1, 0]);
  },
};

describe('with every optimization on (shared descriptions, semantic cache, prefetch)', () => {
  function lanes() {
    const world = echoingBackend();
    const npc = echoingBackend();
    const cache = new MemoryCache();
    const lane = (name: 'world' | 'npc', backend: LlmBackend) =>
      new LaneScheduler(name, [{ backend, maxSlots: 4 }], { maxQueueWaitMs: 3_000 });
    const orchestrator = new LlmOrchestrator({
      world: lane('world', world.backend),
      npc: lane('npc', npc.backend),
      rules: new RulesEngine(),
      cache,
      semanticCache: new SemanticCache({ cache, embedder: everythingAlike }),
      logger: createLogger('silent', false),
      worldVersion: () => 'fixture-1',
      now: () => AT,
    });
    return { orchestrator, calls: () => [...world.calls, ...npc.calls] };
  }

  /** Ayla with everything a player can have that is hers alone, Brannoc only what is public. */
  const whispered = 'the key lies under the well';
  const hers = [
    ...privateFacts.ayla,
    'Mira',
    'the mill',
    whispered,
    'Ayla told the elder',
    'hides in the mill',
  ];
  const ofAyla = (action: Action, actionId: string, locationId = 'square'): ActionContext => ({
    ...actionContext({
      action,
      player: ayla,
      actionId,
      locationId,
      playersHere: ['brannoc'],
      memories: [
        {
          kind: 'conversation',
          text: 'Ayla told the elder her sister Mira hides in the mill',
          playerMessage: 'my sister Mira hides in the mill',
          npcReply: 'I will keep it to myself.',
          playerId: 'p-ayla',
          createdAt: AT.toISOString(),
          importance: 0.9,
        },
      ],
    }),
    related: { public: ['The square has a well.'], private: [`You whispered to brannoc: ${whispered}`] },
  });
  const ofBrannoc = (action: Action, actionId: string, locationId = 'square'): ActionContext =>
    actionContext({ action, player: brannoc, actionId, locationId });
  const greeting = (message: string): Action => ({ action_type: 'talk', npc: 'elder', message });
  const prophecy = greeting('What of the prophecy?');
  const expectNothingOfAyla = (text: string) => {
    for (const fact of hers) expect(text).not.toContain(fact);
  };

  it('keeps every private fact out of public prompts and out of what is shared with another player', async () => {
    const { orchestrator, calls } = lanes();
    // Ayla's public requests: a look, a move, a speculation where she stands, a greeting (no memories).
    await orchestrator.resolve({
      ...ofAyla({ action_type: 'whisper', to: 'brannoc', message: whispered }, 'a0'),
    });
    const looked = await orchestrator.resolve(ofAyla(look, 'a1'));
    expect(await orchestrator.prefetch(ofAyla(look, 'a2', 'woods'))).toBe('generated');
    const moved = await orchestrator.resolve(ofAyla({ action_type: 'move', direction: 'north' }, 'a3'));
    // (A greeting's prompt names the players present: she greets the elder when no one else is there.)
    const greeted = await orchestrator.resolve({
      ...ofAyla(greeting('Hello!'), 'a4', 'hut'),
      memories: [],
      playersHere: [],
    });
    expect([looked.source, moved.source, greeted.source]).toEqual(['llm', 'llm', 'llm']);
    expect(looked.result.narration).toContain('Also here: brannoc.');
    const publicPrompts = calls();
    expect(publicPrompts).toHaveLength(4);
    for (const call of publicPrompts) expectNothingOfAyla(JSON.stringify(call.messages));

    // Ayla's private requests: the model hears what is hers (the echo repeats it)...
    const asked = await orchestrator.resolve(ofAyla(prophecy, 'a5', 'hut'));
    const said = await orchestrator.resolve(ofAyla({ action_type: 'say', message: 'hi' }, 'a6'));
    expect(JSON.stringify(asked.result)).toContain('Mira');
    expect(JSON.stringify(said.result)).toContain('HP 3');

    // ...and Brannoc, alone, is served from what Ayla's requests left: nothing of hers comes with it.
    const served = [
      await orchestrator.resolve(ofBrannoc(look, 'b1')),
      await orchestrator.resolve(ofBrannoc(look, 'b2', 'woods')),
      await orchestrator.resolve(ofBrannoc({ action_type: 'move', direction: 'north' }, 'b3')),
      await orchestrator.resolve(ofBrannoc(greeting('Hello!'), 'b4', 'hut')),
      await orchestrator.resolve(ofBrannoc(greeting('Hi!'), 'b5', 'hut')),
    ];
    expect(served.map((answer) => answer.source)).toEqual([
      'cache',
      'cache',
      'cache',
      'cache',
      'semantic_cache',
    ]);
    for (const answer of served) {
      expectNothingOfAyla(JSON.stringify(answer));
      expect(answer.result.narration).not.toContain('Also here');
    }

    // Her private answers are never found by him: not even with all else equal (no memories, no
    // feelings either way), worded alike or exactly as she did.
    const plain = (who: Partial<PlayerState>, action: Action, actionId: string) =>
      actionContext({ action, player: { ...who, relationships: {} }, actionId, locationId: 'hut' });
    const hersPlain = await orchestrator.resolve(plain(ayla, prophecy, 'a7'));
    expect(JSON.stringify(hersPlain.result)).toContain('Speaking to you: ayla');
    const alike = await orchestrator.resolve(plain(brannoc, greeting('Tell me of the prophecy?'), 'b6'));
    const exact = await orchestrator.resolve(plain(brannoc, prophecy, 'b7'));
    expect(alike.source).toBe('llm');
    expect(exact.source).not.toBe('cache');
    for (const answer of [alike, exact]) expectNothingOfAyla(JSON.stringify(answer));
  });
});
