import { describe, expect, it } from 'vitest';
import { actionContext } from '../prompts/testing/context.ts';
import { whisper } from './whisper.ts';

const online = [
  { playerId: 'p2', name: 'Bramwell', locationId: 'square' },
  { playerId: 'p3', name: 'Cora', locationId: 'woods' },
];
const act = (to: string, message = 'meet me north') =>
  whisper(actionContext({ action: { action_type: 'whisper', to, message }, online }), {
    action_type: 'whisper',
    to,
    message,
  });

describe('whisper: words for one player here', () => {
  it('finds the player here by the start of their name', () => {
    expect(act('bram')).toEqual({
      effects: [{ kind: 'whisper', to: 'p2', message: 'meet me north' }],
      source: 'rules',
      result: {
        action_type: 'whisper',
        narration: 'You whisper to Bramwell: "meet me north"',
        to: 'Bramwell',
        message: 'meet me north',
      },
    });
  });

  it('refuses clearly a player who is elsewhere, nobody of that name, and oneself', () => {
    expect(act('cora').effects).toEqual([]);
    expect(act('cora').result.narration).toBe(
      'Cora is not here: a whisper carries only to someone beside you.',
    );
    expect(act('dunstan').result.narration).toBe('There is no one called dunstan here to whisper to.');
    expect(act('elder').result.narration).toBe(
      'Elder Zorathian is not here: a whisper carries only to someone beside you.',
    );
    expect(act('ayla').result.narration).toBe('You mutter to yourself. Nobody else hears a thing.');
    expect(act('ayla').effects).toEqual([]);
  });

  it('points a whisper to an NPC here to talking with them', () => {
    const action = { action_type: 'whisper' as const, to: 'elder', message: 'the ring is safe' };
    const answer = whisper(actionContext({ action, player: { locationId: 'hut' } }), action);
    expect(answer.effects).toEqual([]);
    expect(answer.result.narration).toBe(
      'A whisper is for players. To speak quietly with Elder Zorathian, talk to them (talk Elder Zorathian: the ring is safe).',
    );
  });
});
