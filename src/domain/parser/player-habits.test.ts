import { describe, expect, it } from 'vitest';
import type { SceneNames } from './scene-names.ts';
import { actionsOf, given, refusalOf } from './testing/typed.ts';

/** The Gate Watchtower, a player carrying three things, another player beside them. */
const watchtower: SceneNames = {
  itemsHere: ['oak quarterstaff', 'hooded lantern'],
  carried: ['rusty dagger', 'loaf of bread', 'healing potion'],
  npcs: [],
  enemies: [],
  exits: [{ direction: 'down', name: 'Village Gate' }],
  players: ['Brannoc'],
};
const hollow: SceneNames = { ...watchtower, itemsHere: [], enemies: ['grey wolf'], players: [] };
const hut: SceneNames = { ...watchtower, itemsHere: [], npcs: ['Elder Zorathian'], players: [] };
const crowded: SceneNames = {
  ...watchtower,
  itemsHere: ['a1 stone', 'a2 stone', 'a3 stone', 'a4 stone', 'a5 stone', 'a6 stone'],
};

describe('the shortcuts MUD players type by habit', () => {
  it('reads "exits" as a look (which lists the ways out) and "score" as the inventory (HP and xp)', () => {
    for (const text of ['exits', 'ways out'])
      expect(actionsOf(given(watchtower).typed(text))).toEqual([{ action_type: 'look' }]);
    for (const text of ['score', 'status', 'hp'])
      expect(actionsOf(given(watchtower).typed(text))).toEqual([{ action_type: 'inventory' }]);
  });

  it('answers "wait", "z", "rest" and "quit" with how this world does it, not as words to say', () => {
    expect(refusalOf(given(watchtower).typed('z'))).toMatchObject({
      error: expect.stringContaining('real time'),
      suggestions: ['look'],
    });
    expect(refusalOf(given(watchtower).typed('wait')).error).toContain('real time');
    expect(refusalOf(given(watchtower).typed('rest')).error).toContain('eat <food>, drink <potion>');
    expect(refusalOf(given(watchtower).typed('quit')).error).toContain('close the game');
  });
});

describe('all, and things named in the plural', () => {
  it('drops everything carried with "drop all", and says so when nothing is', () => {
    expect(actionsOf(given(watchtower).typed('drop all'))).toEqual([
      { action_type: 'drop', item: 'rusty dagger' },
      { action_type: 'drop', item: 'loaf of bread' },
      { action_type: 'drop', item: 'healing potion' },
    ]);
    expect(refusalOf(given({ ...watchtower, carried: [] }).typed('drop everything')).error).toBe(
      'You are carrying nothing to drop.',
    );
  });

  it('takes as many of "all" as a command may hold, and says the rest wait for another "take all"', () => {
    const parsed = given(crowded).typed('get all');
    expect(actionsOf(parsed)).toHaveLength(5);
    expect(parsed).toMatchObject({
      corrections: ['"take all": 5 of 6 in this command; "take all" again for the rest'],
    });
  });

  it('does not take "all" of the place being left: after a move it waits until the player is there', () => {
    expect(refusalOf(given(watchtower).typed('go down and take all'))).toMatchObject({
      error: '"take all" after a move takes what lies there: send it once you have arrived.',
      suggestions: ['go down, then look'],
    });
  });

  it('says that nothing holds other things for "take all from the bucket"', () => {
    expect(refusalOf(given(watchtower).typed('take all from the bucket'))).toMatchObject({
      error: expect.stringContaining('Nothing here holds other things'),
      suggestions: ['take all', 'look'],
    });
  });

  it('reads "attack wolves" as the grey wolf standing here', () => {
    expect(actionsOf(given(hollow).typed('attack wolves'))).toEqual([
      { action_type: 'attack', target: 'wolf' },
    ]);
    expect(actionsOf(given(watchtower).typed('take the lanterns'))).toEqual([
      { action_type: 'take', item: 'lantern' },
    ]);
    // Not here: passed on as typed, for the rules to say "There are no wolves here".
    expect(actionsOf(given(watchtower).typed('attack wolves'))).toEqual([
      { action_type: 'attack', target: 'wolves' },
    ]);
  });
});

describe('giving, read every way a player puts it', () => {
  it('gives to a player named first: "give brannoc the dagger"', () => {
    expect(actionsOf(given(watchtower).typed('give brannoc the dagger'))).toEqual([
      { action_type: 'give', item: 'dagger', to: 'brannoc' },
    ]);
    expect(actionsOf(given(watchtower).typed('give the bread to brannoc'))).toEqual([
      { action_type: 'give', item: 'bread', to: 'brannoc' },
    ]);
  });

  it('reads "give me …" as asking someone here for it: nothing is handed over on command', () => {
    expect(refusalOf(given(hut).typed('give me 1000 xp'))).toEqual({
      ok: false,
      error: 'Nothing is handed over on command: ask someone here for the 1000 xp.',
      suggestions: ['ask Elder Zorathian for 1000 xp'],
    });
  });

  it('passes "give tom the bucket" on when Tom is not in sight, for the rules to say where he is', () => {
    expect(actionsOf(given(watchtower).typed('give tom the bread'))).toEqual([
      { action_type: 'give', item: 'bread', to: 'tom' },
    ]);
  });

  it('asks for the missing half, with whole commands to try', () => {
    expect(refusalOf(given(watchtower).typed('give the dagger'))).toEqual({
      ok: false,
      error: 'Give the dagger to whom? "give <item> to <someone>"',
      suggestions: ['give dagger to Brannoc'],
    });
    expect(refusalOf(given(hut).typed('give to the elder'))).toMatchObject({
      error: 'Give what to the elder? "give <item> to <someone>"',
      suggestions: [
        'give rusty dagger to the elder',
        'give loaf of bread to the elder',
        'give healing potion to the elder',
      ],
    });
    expect(refusalOf(given(hollow).typed('give dagger')).error).toBe(
      'Give the dagger to whom? There is no one here to give it to.',
    );
  });
});

describe('whispering', () => {
  it('speaks with an NPC whispered to, and whispers to a player', () => {
    expect(actionsOf(given(hut).typed('whisper to the elder: the ring is safe'))).toEqual([
      { action_type: 'talk', npc: 'elder', message: 'the ring is safe' },
    ]);
    expect(actionsOf(given(watchtower).typed('whisper brannoc meet me below'))).toEqual([
      { action_type: 'whisper', to: 'brannoc', message: 'meet me below' },
    ]);
  });
});

describe('talking to another player', () => {
  it('tells privately (a whisper), and talks or asks aloud', () => {
    expect(actionsOf(given(watchtower).typed('tell brannoc that the wolves are back'))).toEqual([
      { action_type: 'whisper', to: 'brannoc', message: 'the wolves are back' },
    ]);
    expect(actionsOf(given(watchtower).typed('talk to brannoc: shall we go?'))).toEqual([
      { action_type: 'say', message: 'brannoc, shall we go?' },
    ]);
    expect(actionsOf(given(watchtower).typed('talk to Brannoc'))).toEqual([
      { action_type: 'say', message: 'Brannoc, hello' },
    ]);
  });
});

describe('pronouns and oneself', () => {
  it('reads "it" as the thing the action before named', () => {
    expect(actionsOf(given(watchtower).typed('take the staff and wield it'))).toEqual([
      { action_type: 'take', item: 'staff' },
      { action_type: 'equip', item: 'staff' },
    ]);
    expect(actionsOf(given(watchtower).typed('x lantern, take it then give it to brannoc'))).toEqual([
      { action_type: 'examine', target: 'lantern' },
      { action_type: 'take', item: 'lantern' },
      { action_type: 'give', item: 'lantern', to: 'brannoc' },
    ]);
  });

  it('reads "kill it" as the one enemy here', () => {
    expect(actionsOf(given(hollow).typed('kill it'))).toEqual([
      { action_type: 'attack', target: 'grey wolf' },
    ]);
  });

  it('reads "x me" as the inventory (what one carries, HP and xp)', () => {
    expect(actionsOf(given(watchtower).typed('x me'))).toEqual([{ action_type: 'inventory' }]);
  });
});

describe('typos', () => {
  it('asks "did you mean …?" with the whole command mended: verb, name and direction', () => {
    expect(refusalOf(given(watchtower).typed('tkae the lantrn'))).toMatchObject({
      error: 'I don\'t understand "tkae the lantrn". Did you mean "take hooded lantern"?',
      suggestions: ['take hooded lantern'],
    });
    expect(refusalOf(given(watchtower).typed('dwon'))).toMatchObject({
      error: 'I don\'t understand "dwon". Did you mean "go down"?',
    });
  });
});
