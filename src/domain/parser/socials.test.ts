import { describe, expect, it } from 'vitest';
import { type ParsedCommand, parseCommand } from './parse-command.ts';
import type { SceneNames } from './scene-names.ts';

/** The starter world as a playthrough met it: the square, the elder's hut, the tavern with Old Tom and bea. */
const square: SceneNames = {
  itemsHere: ['wooden bucket'],
  carried: ['rusty sword', 'rusty dagger'],
  npcs: [],
  enemies: [],
  exits: [
    { direction: 'north', name: "Elder's Hut" },
    { direction: 'west', name: 'The Sleeping Drake Tavern' },
  ],
  players: ['bea'],
};
const hut: SceneNames = {
  ...square,
  itemsHere: ['old scroll'],
  npcs: ['Elder Zorathian'],
  exits: [{ direction: 'south', name: 'Village Square' }],
};
const tavern: SceneNames = {
  ...square,
  itemsHere: [],
  npcs: ['Old Tom'],
  exits: [{ direction: 'east', name: 'Village Square' }],
};
const crowded: SceneNames = { ...tavern, npcs: ['Old Tom', 'Brenna the Blacksmith', 'Mira the Herbalist'] };

/** Given where the player stands, when they type, then this is read. */
const given = (scene: SceneNames) => ({
  typed: (text: string): ParsedCommand => parseCommand(text, { scene, maxActions: 5 }),
});
const actionsOf = (parsed: ParsedCommand) => {
  if (!parsed.ok) throw new Error(`not parsed: ${parsed.error} (${parsed.suggestions.join(' | ')})`);
  return parsed.actions;
};
const suggestionsOf = (parsed: ParsedCommand) => {
  if (parsed.ok) throw new Error(`parsed: ${JSON.stringify(parsed.actions)}`);
  return parsed.suggestions;
};

describe('greetings, farewells and thanks', () => {
  it('are said to the NPC they name, the whole text as the message', () => {
    for (const [scene, text, npc] of [
      [hut, 'hello elder', 'Elder Zorathian'],
      [tavern, 'hi tom', 'Old Tom'],
      [hut, 'good evening, zorathian', 'Elder Zorathian'],
      [hut, 'bye elder', 'Elder Zorathian'],
      [tavern, 'thanks tom', 'Old Tom'],
      [tavern, 'thank you, old tom!', 'Old Tom'],
      [crowded, 'greetings, Mira', 'Mira the Herbalist'],
    ] as const)
      expect(actionsOf(given(scene).typed(text)), text).toEqual([
        { action_type: 'talk', npc, message: text },
      ]);
  });

  it('unnamed, go to the one NPC here; with no one or several here they are said aloud', () => {
    expect(actionsOf(given(tavern).typed('hello'))).toEqual([
      { action_type: 'talk', npc: 'Old Tom', message: 'hello' },
    ]);
    expect(actionsOf(given(square).typed('hi'))).toEqual([{ action_type: 'say', message: 'hi' }]);
    expect(actionsOf(given(crowded).typed('good morning'))).toEqual([
      { action_type: 'say', message: 'good morning' },
    ]);
    // A player greeted: everyone here hears it.
    expect(actionsOf(given(square).typed('hello bea'))).toEqual([
      { action_type: 'say', message: 'hello bea' },
    ]);
    // Someone named who is not here: not said to the one NPC who is.
    expect(actionsOf(given(tavern).typed('bye elder'))).toEqual([
      { action_type: 'say', message: 'bye elder' },
    ]);
    expect(actionsOf(given(tavern).typed('hello there'))).toEqual([
      { action_type: 'talk', npc: 'Old Tom', message: 'hello there' },
    ]);
  });

  it('after a move in the same command, go to the one they name, for the rules to find there', () => {
    expect(actionsOf(given(square).typed('go north, then hello elder'))).toEqual([
      { action_type: 'move', direction: 'north' },
      { action_type: 'talk', npc: 'elder', message: 'hello elder' },
    ]);
    expect(actionsOf(given(square).typed('go north and then good evening, everyone'))).toEqual([
      { action_type: 'move', direction: 'north' },
      { action_type: 'say', message: 'good evening, everyone' },
    ]);
  });

  it('keep what follows in the message, up to another command', () => {
    expect(actionsOf(given(tavern).typed('hello, my name is Aldric and I come from Millbrook'))).toEqual([
      { action_type: 'talk', npc: 'Old Tom', message: 'hello, my name is Aldric and I come from Millbrook' },
    ]);
    expect(actionsOf(given(hut).typed('farewell elder. go south'))).toEqual([
      { action_type: 'talk', npc: 'Elder Zorathian', message: 'farewell elder' },
      { action_type: 'move', direction: 'south' },
    ]);
  });
});

describe('socials', () => {
  it('are emotes in the third person', () => {
    for (const [text, message] of [
      ['wave', 'waves'],
      ['nod', 'nods'],
      ['bow', 'bows'],
      ['laugh', 'laughs'],
      ['sigh', 'sighs'],
      ['shrug', 'shrugs'],
      ['grin', 'grins'],
      ['cheer', 'cheers'],
      ['dance', 'dances'],
      ['sit down', 'sits down'],
      ['sit', 'sits down'],
      ['stand up', 'stands up'],
      ['kneel', 'kneels'],
      ['clap', 'claps'],
      ['cry', 'cries'],
      ['frown', 'frowns'],
      ['wave goodbye', 'waves goodbye'],
    ] as const)
      expect(actionsOf(given(tavern).typed(text)), text).toEqual([{ action_type: 'emote', message }]);
  });

  it("name someone here by their full name, with the social's own word before it", () => {
    for (const [text, message] of [
      ['smile at tom', 'smiles at Old Tom'],
      ['wave tom', 'waves at Old Tom'],
      ['bow to the old tom', 'bows to Old Tom'],
      ['bow tom', 'bows to Old Tom'],
      ['wink at bea', 'winks at bea'],
      ['hug bea', 'hugs bea'],
      ['kneel before tom', 'kneels before Old Tom'],
      ['dance with Bea happily', 'dances with bea happily'],
    ] as const)
      expect(actionsOf(given(tavern).typed(text)), text).toEqual([{ action_type: 'emote', message }]);
  });

  it('run in a compound command', () => {
    expect(actionsOf(given(tavern).typed('nod to tom and go east'))).toEqual([
      { action_type: 'emote', message: 'nods to Old Tom' },
      { action_type: 'move', direction: 'east' },
    ]);
  });
});

describe('words that are no command', () => {
  it('are offered whole: to say, or to tell an NPC here', () => {
    const text = 'my name is Aldric and I come from Millbrook';
    expect(given(hut).typed(text)).toMatchObject({
      ok: false,
      error: expect.stringContaining(text),
      suggestions: [`say ${text}`, `talk to Elder Zorathian: ${text}`, 'look', 'help'],
    });
    expect(suggestionsOf(given(tavern).typed('I am a blacksmith from Millbrook'))).toEqual([
      'say I am a blacksmith from Millbrook',
      'talk to Old Tom: I am a blacksmith from Millbrook',
      'look',
      'help',
    ]);
    expect(suggestionsOf(given(square).typed('the weather is nice'))).toEqual([
      'say the weather is nice',
      'look',
      'help',
    ]);
  });

  it('suggest at most two NPCs to tell', () => {
    const suggestions = suggestionsOf(given(crowded).typed('the weather is nice'));
    expect(suggestions.filter((s) => s.startsWith('talk to'))).toEqual([
      'talk to Old Tom: the weather is nice',
      'talk to Brenna the Blacksmith: the weather is nice',
    ]);
  });

  it('are one statement however many "and"s they hold', () => {
    const text = 'I like ale and bread and cheese and song and dance and the sea';
    expect(suggestionsOf(given(tavern).typed(text))).toContain(`say ${text}`);
  });

  it('after commands read, keep those commands first', () => {
    expect(suggestionsOf(given(tavern).typed('look, then the weather is nice'))).toContain(
      'look, then say the weather is nice',
    );
  });

  it('after a verb that a following clause may repeat, are no more of it', () => {
    expect(suggestionsOf(given(tavern).typed('go east and my name is Bob'))).toContain(
      'go east, then say my name is Bob',
    );
    expect(actionsOf(given(tavern).typed('take the sword and my dagger'))).toEqual([
      { action_type: 'take', item: 'sword' },
      { action_type: 'take', item: 'dagger' },
    ]);
  });

  it('a verb with words it does not take ("who are you") is such words, not a typo', () => {
    expect(suggestionsOf(given(tavern).typed('who are you'))).toEqual([
      'say who are you',
      'talk to Old Tom: who are you',
      'look',
      'help',
    ]);
  });
});

describe('misspelt verbs', () => {
  it('get "did you mean", the whole compound kept', () => {
    expect(suggestionsOf(given(tavern).typed('tkae sword'))).toEqual(['take sword']);
    expect(suggestionsOf(given(tavern).typed('go east and tkae sword'))).toEqual([
      'go east, then take sword',
    ]);
    expect(suggestionsOf(given(hut).typed('tkae scroll, then go south'))).toEqual([
      'take scroll, then go south',
    ]);
  });
});

describe('buying and selling', () => {
  it('is no command: the player is pointed to someone here to ask', () => {
    for (const text of ['buy ale', 'sell dagger', 'order a drink'])
      expect(given(tavern).typed(text), text).toMatchObject({
        ok: false,
        error: expect.stringMatching(/no shops/),
        suggestions: [`talk to Old Tom: ${text}`],
      });
    expect(given(square).typed('buy ale')).toMatchObject({ ok: false, suggestions: ['look'] });
  });
});

describe('asking for something', () => {
  it('keeps it a request the NPC can answer', () => {
    expect(actionsOf(given(hut).typed('ask elder for work'))).toEqual([
      { action_type: 'talk', npc: 'elder', message: 'do you have work for me?' },
    ]);
    expect(actionsOf(given(tavern).typed('ask for an ale'))).toEqual([
      { action_type: 'talk', npc: 'Old Tom', message: 'do you have an ale for me?' },
    ]);
  });
});
