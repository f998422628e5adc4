import { describe, expect, it } from 'vitest';
import type { RecalledMemory } from '../lane.ts';
import { actionContext, rulesProposal } from '../prompts/testing/context.ts';
import { cachePlan } from './cache-plan.ts';

const hello = { action_type: 'talk', npc: 'elder', message: 'Hello!' } as const;
const seen: RecalledMemory = {
  kind: 'observation',
  text: 'bea came in from the square',
  createdAt: '2026-11-27T10:00:00.000Z',
  importance: 2,
};
const spoken: RecalledMemory = {
  kind: 'conversation',
  text: 'I am Ayla of Millbrook',
  playerMessage: 'I am Ayla of Millbrook',
  playerId: 'p1',
  createdAt: '2026-11-27T10:00:00.000Z',
  importance: 4,
};

async function planOf(
  memories: RecalledMemory[],
  player: Parameters<typeof actionContext>[0]['player'] = {},
) {
  const context = actionContext({ action: hello, locationId: 'hut', memories, player });
  return cachePlan(context, await rulesProposal(context));
}

describe('the cache plan of a greeting', () => {
  it('is shared when the NPC only recalls what it saw happen (public memories)', async () => {
    // Given the elder remembers someone coming in, when Ayla says hello
    const plan = await planOf([seen]);
    // Then the greeting is the public, shared one
    expect(plan).toMatchObject({ kind: 'greeting', scope: { public: true } });
  });

  it('is the player’s own once the NPC recalls something of that player', async () => {
    // Given the elder remembers what Ayla told of herself, when she says hello
    const plan = await planOf([seen, spoken]);
    // Then the answer is kept for her alone
    expect(plan).toMatchObject({ kind: 'action', scope: { playerId: 'p1' } });
  });
});

describe('the cache plan of other talk', () => {
  it('keeps an answer for what the player carries and where their quests stand', async () => {
    const ask = { action_type: 'talk', npc: 'elder', message: 'What now?' } as const;
    const plan = async (player: Parameters<typeof actionContext>[0]['player']) => {
      const context = actionContext({ action: ask, locationId: 'hut', player });
      return JSON.stringify(cachePlan(context, await rulesProposal(context))?.facts);
    };
    const before = await plan({ quests: { prophecy: { status: 'active', step: 2 } } });
    const holding = await plan({ inventory: ['petal'], quests: { prophecy: { status: 'active', step: 2 } } });
    const after = await plan({
      inventory: ['petal'],
      quests: { prophecy: { status: 'completed', step: 3 } },
    });
    expect(new Set([before, holding, after]).size).toBe(3);
  });
});
