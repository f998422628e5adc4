import { describe, expect, it } from 'vitest';
import { actionContext } from '../prompts/testing/context.ts';
import { emote, gesture } from './emote.ts';

const act = (message: string) =>
  emote(actionContext({ action: { action_type: 'emote', message } }), { action_type: 'emote', message });

describe('emote: a gesture everyone here sees after the player’s name', () => {
  it('proposes the gesture and tells the player how it looks', () => {
    expect(act('waves')).toEqual({
      effects: [{ kind: 'emote', message: 'waves.' }],
      source: 'rules',
      result: { action_type: 'emote', narration: 'ayla waves.', message: 'waves.' },
    });
  });

  it('drops a typed "/me" or the player’s own name, and keeps an ending already there', () => {
    expect(gesture('/me bows low', 'ayla')).toBe('bows low.');
    expect(gesture('Ayla grins!', 'ayla')).toBe('grins!');
    expect(gesture('shrugs…', 'ayla')).toBe('shrugs…');
  });

  it('proposes nothing when only the name was typed', () => {
    expect(act('ayla').effects).toEqual([]);
  });
});
