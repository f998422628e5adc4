import { describe, expect, it } from 'vitest';
import { ACTION_TYPES } from '../actions.ts';
import { type ParsedCommand, type ParseOptions, parseCommand } from './parse-command.ts';
import type { SceneNames } from './scene-names.ts';

/** The Village Square of the starter world, with a rusty sword carried. */
const square: SceneNames = {
  itemsHere: ['wooden bucket'],
  carried: ['rusty sword', 'tarnished oath-ring', 'healing potion', 'loaf of bread', 'leather jerkin'],
  npcs: [],
  enemies: [],
  exits: [
    { direction: 'north', name: "Elder's Hut" },
    { direction: 'east', name: 'The Smithy' },
    { direction: 'west', name: 'The Sleeping Drake Tavern' },
    { direction: 'south', name: 'Village Gate' },
  ],
  players: ['brannoc'],
};
const hut: SceneNames = {
  ...square,
  itemsHere: ['old scroll'],
  npcs: ['Elder Zorathian'],
  exits: [{ direction: 'south', name: 'Village Square' }],
};
const watchtower: SceneNames = {
  ...square,
  itemsHere: ['oak quarterstaff', 'hooded lantern'],
  exits: [{ direction: 'down', name: 'Village Gate' }],
};
const hollow: SceneNames = { ...square, itemsHere: [], enemies: ['grey wolf'], exits: [] };

/** The game of the issue: every action type the parser maps to. */
const EVERY_ACTION = new Set([
  ...ACTION_TYPES,
  'who',
  'help',
  'emote',
  'whisper',
  'equip',
  'drink',
  'eat',
  'give',
  'trade',
]);
const fullGame = (actionType: string) => EVERY_ACTION.has(actionType);

/** Given where the player stands (and what the game has), when they type, then this is read. */
function given(scene: SceneNames, has: ParseOptions['has'] = fullGame) {
  return {
    typed: (text: string): ParsedCommand => parseCommand(text, { scene, maxActions: 5, has }),
  };
}
const actionsOf = (parsed: ParsedCommand) => {
  if (!parsed.ok) throw new Error(`not parsed: ${parsed.error} (${parsed.suggestions.join(' | ')})`);
  return parsed.actions;
};

describe('reading typed commands into actions', () => {
  it('reads a compound command: pick up the bucket and go north', () => {
    expect(actionsOf(given(square).typed('pick up the bucket and go north'))).toEqual([
      { action_type: 'take', item: 'bucket' },
      { action_type: 'move', direction: 'north' },
    ]);
  });

  it('splits at "and", "then", commas, semicolons and full stops', () => {
    const expected = [
      { action_type: 'move', direction: 'south' },
      { action_type: 'move', direction: 'up' },
      { action_type: 'take', item: 'staff' },
    ];
    for (const text of [
      'go south then up and take staff',
      's, u, take staff',
      'south; up; take the staff.',
      'Walk south. Climb up. Grab the staff!',
      'head south and then go up, then please pick up the staff',
      's u, and I take the staff',
    ])
      expect(actionsOf(given(square).typed(text)), text).toEqual(expected);
  });

  it('reads the synonyms of taking, dropping and looking', () => {
    for (const text of [
      'take bucket',
      'get the bucket',
      'grab a bucket',
      'pick up bucket',
      'pick the bucket up',
    ])
      expect(actionsOf(given(square).typed(text)), text).toEqual([{ action_type: 'take', item: 'bucket' }]);
    for (const text of ['drop sword', 'put down the sword', 'put the sword down', 'discard my sword'])
      expect(actionsOf(given(square).typed(text)), text).toEqual([{ action_type: 'drop', item: 'sword' }]);
    for (const text of ['l', 'look', 'look around', 'please look around'])
      expect(actionsOf(given(square).typed(text)), text).toEqual([{ action_type: 'look' }]);
    for (const text of [
      'look at the bucket',
      'x bucket',
      'examine bucket',
      'inspect the bucket',
      'read bucket',
    ])
      expect(actionsOf(given(square).typed(text)), text).toEqual([
        { action_type: 'examine', target: 'bucket' },
      ]);
    for (const text of ['i', 'inv', 'inventory', 'check inventory'])
      expect(actionsOf(given(square).typed(text)), text).toEqual([{ action_type: 'inventory' }]);
  });

  it('moves by direction, abbreviation or the name of the place a way leads to', () => {
    for (const [text, move] of [
      ['n', { direction: 'north' }],
      ['go north', { direction: 'north' }],
      ['walk east', { direction: 'east' }],
      ['head west', { direction: 'west' }],
      ['run s', { direction: 'south' }],
      ['go upstairs', { direction: 'up' }],
      ['go to the smithy', { to: 'The Smithy' }],
      ['go to the tavern', { to: 'The Sleeping Drake Tavern' }],
      ['enter the elder’s hut', { to: "Elder's Hut" }],
      ['go to smthy', { to: 'The Smithy' }],
      ['go nroth', { direction: 'north' }],
    ] as const)
      expect(actionsOf(given(square).typed(text)), text).toEqual([{ action_type: 'move', ...move }]);
  });

  it('never offers a direction the world does not have', () => {
    for (const text of ['ne', 'go northwest', 'se']) {
      const parsed = given(square).typed(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) {
        expect(parsed.error).toMatch(/no diagonal ways/);
        expect(parsed.suggestions).toEqual(['go north', 'go east', 'go west', 'go south']);
      }
    }
  });

  it('talks to the elder about the prophecy, in the ways a player asks', () => {
    const expected = [{ action_type: 'talk', npc: 'elder', message: 'the prophecy' }];
    for (const text of [
      'talk to the elder about the prophecy',
      'ask the elder about the prophecy',
      'speak with elder about the prophecy',
      'ask about the prophecy',
      'tell me about the prophecy',
    ])
      expect(actionsOf(given(hut).typed(text)), text).toEqual(
        text.includes('elder') ? expected : [{ ...expected[0], npc: 'Elder Zorathian' }],
      );
    expect(actionsOf(given(hut).typed('tell the elder that the wolves are back'))).toEqual([
      { action_type: 'talk', npc: 'elder', message: 'the wolves are back' },
    ]);
    expect(actionsOf(given(hut).typed('talk to Elder Zorathian: hello, and well met'))).toEqual([
      { action_type: 'talk', npc: 'Elder Zorathian', message: 'hello, and well met' },
    ]);
    expect(actionsOf(given(hut).typed('talk to zorathian where is the star'))).toEqual([
      { action_type: 'talk', npc: 'zorathian', message: 'where is the star' },
    ]);
    expect(actionsOf(given(hut).typed('greet the elder'))).toEqual([
      { action_type: 'talk', npc: 'elder', message: 'hello' },
    ]);
    // Without a message the NPC is greeted (the talk action's default).
    expect(actionsOf(given(hut).typed('talk to the eldr'))).toEqual([
      { action_type: 'talk', npc: 'Elder Zorathian', message: 'hello' },
    ]);
  });

  it('keeps a message whole ("and" inside it), ending it only where another command starts', () => {
    expect(actionsOf(given(hut).typed('say bread and salt for the road'))).toEqual([
      { action_type: 'say', message: 'bread and salt for the road' },
    ]);
    expect(actionsOf(given(hut).typed('ask the elder about the star and the oath, then go south'))).toEqual([
      { action_type: 'talk', npc: 'elder', message: 'the star and the oath' },
      { action_type: 'move', direction: 'south' },
    ]);
    expect(actionsOf(given(hut).typed('"well met, all'))).toEqual([
      { action_type: 'say', message: 'well met, all' },
    ]);
    expect(actionsOf(given(hut).typed('say hello to the elder'))).toEqual([
      { action_type: 'talk', npc: 'elder', message: 'hello' },
    ]);
  });

  it('finds the oak quarterstaff by "staff" and corrects a typo of a name here', () => {
    expect(actionsOf(given(watchtower).typed('take staff'))).toEqual([
      { action_type: 'take', item: 'staff' },
    ]);
    const typo = given(watchtower).typed('take the quartrstaff');
    expect(typo).toEqual({
      ok: true,
      actions: [{ action_type: 'take', item: 'oak quarterstaff' }],
      corrections: ['"quartrstaff" read as "oak quarterstaff"'],
    });
    // Not here (perhaps in the next room of the command): passed on as typed, the rules judge.
    expect(actionsOf(given(square).typed('take staff'))).toEqual([{ action_type: 'take', item: 'staff' }]);
  });

  it('repeats the verb for a clause without one: take the staff and the lantern', () => {
    expect(actionsOf(given(watchtower).typed('take the staff and the lantern'))).toEqual([
      { action_type: 'take', item: 'staff' },
      { action_type: 'take', item: 'lantern' },
    ]);
    expect(actionsOf(given(watchtower).typed('take all'))).toEqual([
      { action_type: 'take', item: 'oak quarterstaff' },
      { action_type: 'take', item: 'hooded lantern' },
    ]);
  });

  it('reads fighting, using, giving, wearing, eating and drinking', () => {
    for (const text of [
      'attack wolf',
      'kill the grey wolf',
      'hit wolf with my sword',
      'fight',
      'strike the wolf',
    ])
      expect(actionsOf(given(hollow).typed(text))[0], text).toMatchObject({ action_type: 'attack' });
    expect(actionsOf(given(hollow).typed('attack'))).toEqual([
      { action_type: 'attack', target: 'grey wolf' },
    ]);
    expect(given(hut).typed('fight')).toEqual({
      ok: false,
      error: 'There is nothing here to fight.',
      suggestions: [],
    });
    expect(actionsOf(given(hut).typed('give the ring to the elder'))).toEqual([
      { action_type: 'give', item: 'ring', to: 'elder' },
    ]);
    expect(actionsOf(given(hut).typed('give the elder the ring'))).toEqual([
      { action_type: 'give', item: 'ring', to: 'elder' },
    ]);
    expect(actionsOf(given(hut).typed('use the potion'))).toEqual([{ action_type: 'use', item: 'potion' }]);
    expect(actionsOf(given(hut).typed('use ring on elder'))).toEqual([
      { action_type: 'use', item: 'ring', target: 'elder' },
    ]);
    for (const text of ['wear the jerkin', 'put on jerkin', 'put the jerkin on', 'equip jerkin'])
      expect(actionsOf(given(hut).typed(text)), text).toEqual([{ action_type: 'equip', item: 'jerkin' }]);
    expect(actionsOf(given(hut).typed('wield sword'))).toEqual([{ action_type: 'equip', item: 'sword' }]);
    for (const text of ['take off the jerkin', 'remove jerkin', 'take the jerkin off', 'unequip jerkin'])
      expect(actionsOf(given(hut).typed(text)), text).toEqual([{ action_type: 'unequip', item: 'jerkin' }]);
    expect(actionsOf(given(hut).typed('unwield the sword'))).toEqual([
      { action_type: 'unequip', item: 'sword' },
    ]);
    expect(actionsOf(given(hut).typed('quaff the potion'))).toEqual([
      { action_type: 'drink', item: 'potion' },
    ]);
    expect(actionsOf(given(hut).typed('eat bread'))).toEqual([{ action_type: 'eat', item: 'bread' }]);
  });

  it('reads trades with another player here', () => {
    const offer = { action_type: 'trade', op: 'offer', with: 'brannoc', give: 'sword', for: 'lantern' };
    for (const text of [
      'trade my sword with brannoc for his lantern',
      'trade with brannoc: sword for lantern',
      'offer brannoc my sword for his lantern',
      'trade sword for lantern with brannoc',
      'swap the sword for the lantern',
    ])
      expect(actionsOf(given(square).typed(text)), text).toEqual([offer]);
    expect(actionsOf(given(square).typed("accept brannoc's trade"))).toEqual([
      { action_type: 'trade', op: 'accept', with: 'brannoc' },
    ]);
    expect(actionsOf(given(square).typed('accept the trade from brannoc'))).toEqual([
      { action_type: 'trade', op: 'accept', with: 'brannoc' },
    ]);
    expect(actionsOf(given(square).typed('decline'))).toEqual([{ action_type: 'trade', op: 'decline' }]);
    // Without "for" an offer is a gift.
    expect(actionsOf(given(hut).typed('offer the elder the ring'))).toEqual([
      { action_type: 'give', item: 'ring', to: 'elder' },
    ]);
  });

  it('reads the social and journal commands', () => {
    expect(actionsOf(given(square).typed('who'))).toEqual([{ action_type: 'who' }]);
    expect(actionsOf(given(square).typed('?'))).toEqual([{ action_type: 'help' }]);
    expect(actionsOf(given(square).typed('help'))).toEqual([{ action_type: 'help' }]);
    expect(actionsOf(given(square).typed('emote waves and smiles'))).toEqual([
      { action_type: 'emote', message: 'waves and smiles' },
    ]);
    expect(actionsOf(given(square).typed('whisper to brannoc meet me at the gate'))).toEqual([
      { action_type: 'whisper', to: 'brannoc', message: 'meet me at the gate' },
    ]);
    expect(actionsOf(given(square).typed('quests'))).toEqual([{ action_type: 'quest', op: 'status' }]);
    expect(actionsOf(given(square).typed('journal'))).toEqual([{ action_type: 'quest', op: 'status' }]);
    expect(actionsOf(given(hut).typed('accept the quest'))).toEqual([{ action_type: 'quest', op: 'accept' }]);
    expect(actionsOf(given(hut).typed('abandon quest the fallen star'))).toEqual([
      { action_type: 'quest', op: 'abandon', quest: 'fallen star' },
    ]);
  });

  it('maps only to the actions the game has: without give, giving is using the item on someone', () => {
    const seedActions = [
      'look',
      'move',
      'talk',
      'attack',
      'take',
      'drop',
      'use',
      'inventory',
      'quest',
      'say',
    ];
    const withoutNew = (type: string) => [...seedActions, 'examine'].includes(type);
    expect(actionsOf(given(hut, withoutNew).typed('give the ring to the elder'))).toEqual([
      { action_type: 'use', item: 'ring', target: 'elder' },
    ]);
    const wear = given(hut, withoutNew).typed('wear jerkin');
    expect(wear.ok).toBe(false);
  });
});

describe('text the parser cannot read', () => {
  it('suggests the verb a typo was of: "tkae sword" → take sword?', () => {
    expect(given(square).typed('tkae sword')).toMatchObject({
      ok: false,
      error: 'I don\'t understand "tkae sword". Did you mean "take sword"?',
      suggestions: expect.arrayContaining(['take sword']),
    });
    const compound = given(square).typed('tkae the bucket and go north');
    expect(compound.ok).toBe(false);
    if (!compound.ok) expect(compound.suggestions[0]).toBe('take the bucket, then go north');
  });

  it('suggests what one does with a name typed alone', () => {
    const elder = given(hut).typed('the elder');
    expect(elder).toMatchObject({
      ok: false,
      suggestions: expect.arrayContaining(['talk to Elder Zorathian']),
    });
    const bucket = given(square).typed('bucket');
    expect(bucket).toMatchObject({
      ok: false,
      suggestions: expect.arrayContaining(['take wooden bucket', 'examine wooden bucket']),
    });
  });

  it('offers to say words that are no command, or somewhere to start', () => {
    expect(given(square).typed('xyzzy plugh')).toMatchObject({
      ok: false,
      suggestions: ['say xyzzy plugh', 'look', 'help'],
    });
    expect(given(square).typed('take')).toMatchObject({ ok: false, error: 'Take what?' });
    // Far too long to be a typo of anything: not compared with every name (it would cost).
    expect(given(square).typed('q'.repeat(500))).toMatchObject({
      ok: false,
      suggestions: expect.arrayContaining(['look']),
    });
    expect(given(square).typed('  ')).toMatchObject({ ok: false });
  });

  it('refuses more actions than one command may hold', () => {
    const parsed = given(square).typed('n, s, n, s, n, s');
    expect(parsed).toMatchObject({ ok: false, error: expect.stringMatching(/at most 5/) });
  });
});
