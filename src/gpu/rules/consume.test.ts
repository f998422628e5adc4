import { describe, expect, it } from 'vitest';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import { buildWorld } from '../../domain/world/world.ts';
import { actionContext } from '../prompts/testing/context.ts';
import { drink, eat } from './consume.ts';

const fixture = fixtureWorld();
const world = buildWorld({
  ...fixture.content,
  items: [
    ...fixture.content.items,
    {
      id: 'potion',
      name: 'healing potion',
      description: 'Green.',
      kind: 'consumable',
      weight: 0.3,
      value: 15,
      use: { heal: 25, how: 'drink', message: 'Warmth floods your limbs.' },
    },
    {
      id: 'bread',
      name: 'loaf of bread',
      description: 'Warm.',
      kind: 'consumable',
      weight: 0.5,
      value: 2,
      use: { heal: 5, how: 'eat', message: 'It tastes of home.' },
    },
  ],
});
const context = (action: Parameters<typeof actionContext>[0]['action']) =>
  actionContext({ action, world, player: { inventory: ['potion', 'bread', 'herb', 'dagger'], hp: 10 } });
const drinking = (item: string) =>
  drink(context({ action_type: 'drink', item }), { action_type: 'drink', item });
const eating = (item: string) => eat(context({ action_type: 'eat', item }), { action_type: 'eat', item });

describe('drink and eat: consumables taken the way the content says', () => {
  it('drinks a potion: used up, healing within max HP', () => {
    expect(drinking('potion')).toEqual({
      effects: [{ kind: 'use-item', item: 'potion', heal: 25 }],
      source: 'rules',
      result: {
        action_type: 'drink',
        narration: 'Warmth floods your limbs. (+10 HP)',
        item: { id: 'potion', name: 'healing potion' },
        hp: 20,
        max_hp: 20,
      },
    });
  });

  it('eats food', () => {
    expect(eating('bread')).toMatchObject({
      effects: [{ kind: 'use-item', item: 'bread', heal: 5 }],
      result: { action_type: 'eat', narration: 'It tastes of home. (+5 HP)', hp: 15 },
    });
  });

  it('says an unhurt player gained nothing, not "+0 HP"', () => {
    const unhurt = actionContext({
      action: { action_type: 'eat', item: 'bread' },
      world,
      player: { inventory: ['bread'], hp: 20 },
    });
    expect(eat(unhurt, { action_type: 'eat', item: 'bread' }).result).toMatchObject({
      narration: 'It tastes of home. (You were unhurt: it did you no good.)',
      hp: 20,
    });
  });

  it('refuses drinking bread or eating a potion, saying how they are taken', () => {
    expect(drinking('bread').effects).toEqual([]);
    expect(drinking('bread').result.narration).toBe(
      'You cannot drink the loaf of bread: eat it (eat loaf of bread).',
    );
    expect(eating('potion').result.narration).toBe(
      'You cannot eat the healing potion: drink it (drink healing potion).',
    );
    expect(eating('herb').result.narration).toBe(
      'You cannot eat the healing herb: use it instead (use healing herb).',
    );
    expect(drinking('dagger').result.narration).toBe('The dagger is not something you can drink.');
    expect(drinking('ale').result.narration).toBe('You are not carrying any ale.');
  });
});
