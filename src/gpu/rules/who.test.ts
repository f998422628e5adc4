import { describe, expect, it } from 'vitest';
import { actionContext } from '../prompts/testing/context.ts';
import { WHO_LISTED_PLAYERS, who } from './who.ts';

const ask = (online: { playerId: string; name: string; locationId: string }[]) =>
  who(actionContext({ action: { action_type: 'who' }, online }));

describe('who: the players online, by name, with where they are', () => {
  it('lists everyone online sorted by name, with the name of their place, the asker marked', () => {
    const answer = ask([
      { playerId: 'p2', name: 'bram', locationId: 'woods' },
      { playerId: 'p3', name: 'cora', locationId: 'hut' },
    ]);
    expect(answer.effects).toEqual([]);
    expect(answer.result).toMatchObject({
      action_type: 'who',
      count: 3,
      players: [
        { name: 'ayla', location: 'Square', you: true },
        { name: 'bram', location: 'Dark Woods' },
        { name: 'cora', location: "Elder's Hut" },
      ],
    });
    expect(answer.result.narration).toBe(
      "3 players are in the world:\n  ayla (you) — Square\n  bram — Dark Woods\n  cora — Elder's Hut",
    );
  });

  it('says so when the player is alone', () => {
    expect(ask([]).result.narration).toBe('Nobody else is in the world just now.');
  });

  it('names a crowd up to a cap, and counts the rest', () => {
    const crowd = Array.from({ length: 100 }, (_, i) => ({
      playerId: `x${i}`,
      name: `z${String(i).padStart(3, '0')}`,
      locationId: 'square',
    }));
    const answer = ask(crowd);
    expect(answer.result.count).toBe(101);
    expect(answer.result.players).toHaveLength(WHO_LISTED_PLAYERS);
    expect(answer.result.narration).toContain(`…and ${101 - WHO_LISTED_PLAYERS} more.`);
    expect(answer.result.narration).not.toContain('z099');
  });
});
