import { describe, expect, it } from 'vitest';
import { actionContext } from '../prompts/testing/context.ts';
import { help } from './help.ts';

const examples = (options: Omit<Parameters<typeof actionContext>[0], 'action'>) => {
  const { result } = help(actionContext({ action: { action_type: 'help' }, ...options }));
  return Object.fromEntries(
    (result.commands as { verb: string; example: string }[]).map((c) => [c.verb, c.example]),
  );
};

describe('help: every verb, each with an example from where the player stands', () => {
  it('names the exits, the things lying here and the players here', () => {
    const shown = examples({ online: [{ playerId: 'p2', name: 'bram', locationId: 'square' }] });
    expect(shown).toMatchObject({
      move: 'go north',
      take: 'take dagger',
      whisper: 'whisper bram: hello',
      trade: 'trade <your item> with bram for <their item>',
      talk: 'talk <someone>: hello',
      who: 'who',
    });
    for (const verb of [
      'look',
      'say',
      'emote',
      'examine',
      'drop',
      'use',
      'equip',
      'unequip',
      'drink',
      'eat',
      'attack',
      'inventory',
      'quest',
    ])
      expect(shown[verb]).toBeDefined();
  });

  it('names someone here to talk to, an enemy to fight and what the player carries', () => {
    expect(examples({ locationId: 'hut' }).talk).toBe('talk Elder Zorathian: hello');
    expect(examples({ locationId: 'hut', player: { inventory: ['herb'] } }).give).toBe(
      'give healing herb to Elder Zorathian',
    );
    const woods = examples({ locationId: 'woods', player: { inventory: ['dagger', 'herb'] } });
    expect(woods).toMatchObject({
      attack: 'attack grey wolf',
      equip: 'equip dagger',
      drop: 'drop dagger',
      use: 'use healing herb',
    });
  });

  it('is a short text the player reads, changing nothing', () => {
    const answer = help(actionContext({ action: { action_type: 'help' } }));
    expect(answer.effects).toEqual([]);
    expect(answer.result.narration).toContain('go north');
    expect(answer.result.narration.split('\n').length).toBeLessThan(20);
  });

  it('names the MUD shortcuts the parser reads: exits, score, take all', () => {
    const { narration } = help(actionContext({ action: { action_type: 'help' } })).result;
    for (const shortcut of ['(l, exits)', '(i, score)', '(take all)', 'again (g) repeats your last'])
      expect(narration).toContain(shortcut);
  });

  it('ends by telling that plain sentences work too, with names from here', () => {
    const { result } = help(actionContext({ action: { action_type: 'help' } }));
    expect(result.narration.split('\n').at(-1)).toBe(
      'You can also type plain sentences: take the dagger and go north; again (g) repeats your last.',
    );
  });

  it('offers a trade of something carried, and unequips what was chosen', () => {
    const woods = examples({
      locationId: 'woods',
      player: { inventory: ['herb', 'dagger'], equipped: { weapon: 'dagger' } },
      online: [{ playerId: 'p2', name: 'bram', locationId: 'woods' }],
    });
    expect(woods.trade).toBe('trade healing herb with bram for <their item>');
    expect(woods.unequip).toBe('unequip dagger');
  });
});
