import { describe, expect, it } from 'vitest';
import type { Action } from '../../domain/actions.ts';
import { actionContext } from '../prompts/testing/context.ts';
import { RulesEngine } from './rules-engine.ts';

const rules = new RulesEngine();
/** Given the player in the fixture world's square (a dagger lying there), when they act, then the result. */
const resultOf = async (action: Action, locationId = 'square') =>
  (await rules.resolve(actionContext({ action, locationId }))).result;

describe('a result says when the action could not be done', () => {
  it('marks the actions that asked for something that did not happen', async () => {
    for (const action of [
      { action_type: 'take', item: 'unicorn' },
      { action_type: 'drop', item: 'dagger' },
      { action_type: 'move', direction: 'down' },
      { action_type: 'talk', npc: 'nobody', message: 'hello' },
      { action_type: 'attack', target: 'ghost' },
      { action_type: 'examine', target: 'unicorn' },
      { action_type: 'quest', op: 'abandon', quest: 'none such' },
      { action_type: 'eat', item: 'cake' },
    ] as Action[])
      expect(await resultOf(action), JSON.stringify(action)).toMatchObject({ refused: true });
  });

  it('leaves unmarked what was done, and what only tells', async () => {
    for (const action of [
      { action_type: 'take', item: 'dagger' },
      { action_type: 'look' },
      { action_type: 'inventory' },
      { action_type: 'quest', op: 'status' },
      { action_type: 'examine', target: 'dagger' },
      { action_type: 'say', message: 'hello' },
    ] as Action[])
      expect(await resultOf(action), JSON.stringify(action)).not.toHaveProperty('refused');
  });
});

describe('taking what the player already carries', () => {
  it('given a wolf fang carried and none lying here, when taken, then the answer says it is theirs already', async () => {
    const context = actionContext({
      action: { action_type: 'take', item: 'fang' },
      player: { inventory: ['fang'] },
    });
    const { result } = await rules.resolve(context);
    expect(result).toMatchObject({ narration: 'You already have the wolf fang.', refused: true });
  });
});
