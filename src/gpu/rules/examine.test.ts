import { describe, expect, it } from 'vitest';
import starterContent from '../../../content/starter-world.json' with { type: 'json' };
import { buildWorld } from '../../domain/world/world.ts';
import { actionContext } from '../prompts/testing/context.ts';
import { examine } from './examine.ts';

const look = (
  target: string,
  options: Parameters<typeof actionContext>[0] extends infer O ? Partial<O> : never = {},
) =>
  examine(actionContext({ action: { action_type: 'examine', target }, ...options }), {
    action_type: 'examine',
    target,
  });

describe('examine: a close look at one thing, as things stand', () => {
  it('tells what lies here, and what is carried, from the content', () => {
    expect(look('the dagger').result).toMatchObject({
      action_type: 'examine',
      narration: 'Sharp. It lies here.',
      target: { kind: 'item', id: 'dagger' },
    });
    expect(
      look('dagger', { player: { inventory: ['dagger'] }, states: { square: { items: [] } } }).result
        .narration,
    ).toBe('Sharp. You wield it.');
    expect(
      look('herb', { player: { inventory: ['dagger', 'herb'] }, states: { square: { items: [] } } }).result
        .narration,
    ).toBe('Green. You carry it.');
  });

  it('tells of someone here, and of an enemy here with how hurt it is', () => {
    expect(look('elder', { locationId: 'hut' }).result.narration).toBe('An old man.');
    expect(look('wolf', { locationId: 'woods' }).result).toMatchObject({
      narration: 'Hungry. It is unhurt.',
      target: { kind: 'enemy', hp: 6, max_hp: 6 },
    });
    const hurt = look('wolf', { locationId: 'woods', states: { woods: { enemies: { wolf: { hp: 2 } } } } });
    expect(hurt.result.narration).toBe('Hungry. It is badly hurt.');
  });

  it('says what is not here in the number typed, and changes nothing', () => {
    const none = look('wolves');
    expect(none.result.narration).toBe('There are no wolves here to examine.');
    expect(none.effects).toEqual([]);
  });

  it('looks at another player here, and at oneself, rather than saying nobody is there', () => {
    const online = [{ playerId: 'p2', name: 'Bramwell', locationId: 'square' }];
    expect(look('bram', { online }).result).toMatchObject({
      narration: 'Bramwell, a fellow adventurer, stands here with you. (whisper Bramwell: …)',
      target: { kind: 'player', name: 'Bramwell' },
    });
    expect(look('ayla').result.narration).toContain('That is you.');
    expect(look('bram').result.narration).toBe('There is no bram here to examine.');
  });

  it("looks at what the place's description names, in the description's own sentences, after things and people", () => {
    const world = buildWorld(starterContent);
    const square = { world, locationId: 'village-square' };
    const online = [{ playerId: 'p2', name: 'Maxwell', locationId: 'village-square' }];
    const well = look('the well', { ...square, online }).result;
    expect(well).toMatchObject({ target: { kind: 'scenery', name: 'the well' } });
    expect(well.narration).toContain(
      'Cobblestones ring a moss-covered well at the heart of Emberfall, worn smooth by three hundred years of buckets.',
    );
    expect(well.narration).not.toContain('Smoke curls');
    expect(look('smithy', square).result.narration).toMatch(/^Smoke curls from the smithy to the east/);
    expect(look('cobblestone', square).result.narration).toMatch(/^Cobblestones ring/);
    expect(look('dragon', square).result.narration).toBe('There is no dragon here to examine.');
    expect(look('to', square).result.narration).toBe('There is no to here to examine.');
    // What the player can take or meet comes first: the rusty dagger is not the scenery.
    expect(look('dagger', { locationId: 'square' }).result).toMatchObject({ target: { kind: 'item' } });
  });
});
