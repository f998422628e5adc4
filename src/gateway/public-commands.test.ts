import { describe, expect, it } from 'vitest';

// The client is plain JavaScript without type declarations: loaded by URL, typed here by hand.
const CLIENT_COMMANDS = new URL('./public/commands.js', import.meta.url).href;
const { parseCommand } = (await import(CLIENT_COMMANDS)) as {
  parseCommand: (text: string, npcNames?: string[]) => unknown;
};

describe("the browser client's command parser", () => {
  it('offers only the directions the world has', () => {
    expect(parseCommand('n')).toEqual({ action: { action_type: 'move', direction: 'north' } });
    expect(parseCommand('go down')).toEqual({ action: { action_type: 'move', direction: 'down' } });
    // The world has no diagonal exits: "ne" is not a direction; the server says which ways there are.
    expect(parseCommand('ne')).toEqual({ action: { action_type: 'command', text: 'ne' } });
    expect(parseCommand('go northeast')).toEqual({
      action: { action_type: 'command', text: 'go northeast' },
    });
  });

  it('sends examine, x and inspect with what is named to the server, which reads misspelt names', () => {
    for (const text of ['examine oak quarterstaff', 'x oak quarterstaff', 'inspect at oak quarterstaff'])
      expect(parseCommand(text)).toEqual({ action: { action_type: 'command', text } });
    expect(parseCommand('x')).toEqual({ error: 'Usage: examine <thing>' });
  });
});

describe("the browser client's verbs for who, help, emote, whisper, gear and consumables", () => {
  it('sends who, and help to the server (which gives examples from where the player stands)', () => {
    expect(parseCommand('who')).toEqual({ action: { action_type: 'who' } });
    expect(parseCommand('help')).toEqual({ help: true, action: { action_type: 'help' } });
    expect(parseCommand('?')).toEqual({ help: true, action: { action_type: 'help' } });
  });

  it('sends "i" and "who" followed by other words to the server: statements, not the inventory', () => {
    expect(parseCommand('i')).toEqual({ action: { action_type: 'inventory' } });
    for (const text of [
      'I am a blacksmith from Millbrook',
      'who are you',
      'hello elder',
      'sit down',
      'buy ale',
    ])
      expect(parseCommand(text), text).toEqual({ action: { action_type: 'command', text } });
  });

  it('reads emote and me, and whisper with or without a colon', () => {
    const waves = { action: { action_type: 'emote', message: 'waves' } };
    expect(parseCommand('emote waves')).toEqual(waves);
    expect(parseCommand('me waves')).toEqual(waves);
    const whisper = { action: { action_type: 'whisper', to: 'bea', message: 'meet me north' } };
    expect(parseCommand('whisper bea: meet me north')).toEqual(whisper);
    expect(parseCommand('whisper to bea meet me north')).toEqual(whisper);
    expect(parseCommand('whisper bea')).toEqual({ error: 'Usage: whisper <player>: <text>' });
    // To an NPC here it is talk, which the server reads from the whisper.
    for (const [text, sent] of [
      ['whisper old tom: hello there', 'whisper to Old Tom: hello there'],
      ['whisper to Old Tom hello there', 'whisper to Old Tom: hello there'],
      ['whis tom: hello there', 'whisper to tom: hello there'],
    ] as [string, string][])
      expect(parseCommand(text, ['Old Tom']), text).toEqual({
        action: { action_type: 'command', text: sent },
      });
  });

  it('sends equip, wield, wear, unequip, remove, take off, drink, quaff, eat, take and drop to the server', () => {
    for (const text of [
      'equip rusted chainmail',
      'wield rusty dagger',
      'wear leather jerkin',
      'unequip leather jerkin',
      'remove leather jerkin',
      'take off leather jerkin',
      'quaff healing potion',
      'drink healing potion',
      'eat loaf of bread',
      'take leather jerkin',
      'tkae sword',
      'drop the bukcet',
      'use bucket on well',
    ])
      expect(parseCommand(text), text).toEqual({ action: { action_type: 'command', text } });
    expect(parseCommand('wear')).toEqual({ error: 'Usage: equip <weapon or armour>' });
    expect(parseCommand('drink')).toEqual({ error: 'Usage: drink <potion>' });
  });
});

describe('what the browser client leaves to the server to read', () => {
  const command = (text: string) => ({ action: { action_type: 'command', text } });

  it('sends a line of several actions as one command', () => {
    expect(parseCommand('pick up the sword and go north')).toEqual(command('pick up the sword and go north'));
    expect(parseCommand('s, u, take staff')).toEqual(command('s, u, take staff'));
    expect(parseCommand('go south then up')).toEqual(command('go south then up'));
    // A message keeps its "and": it is one action.
    expect(parseCommand('say bread and salt')).toEqual({
      action: { action_type: 'say', message: 'bread and salt' },
    });
  });

  it('sends "all", "it", plurals and "look at …" for the server to read', () => {
    for (const text of [
      'take all',
      'get everything',
      'drop all',
      'take all from the bucket',
      'attack wolves',
      'wield it',
      'x me',
      'look at the bucket',
      'l elder',
    ])
      expect(parseCommand(text), text).toEqual(command(text));
    expect(parseCommand('attack grey wolf')).toEqual(command('attack grey wolf'));
    expect(parseCommand('look')).toEqual({ action: { action_type: 'look' } });
  });

  it('sends talk without a colon, and verbs it does not know, for the server to read', () => {
    expect(parseCommand('talk to the elder about the prophecy')).toEqual(
      command('talk to the elder about the prophecy'),
    );
    expect(parseCommand('ask Mira about herbs')).toEqual(command('ask Mira about herbs'));
    expect(parseCommand('talk Elder Zorathian: what is the prophecy?', ['Elder Zorathian'])).toEqual({
      action: { action_type: 'talk', npc: 'Elder Zorathian', message: 'what is the prophecy?' },
    });
    expect(parseCommand('give the ring to the elder')).toEqual(command('give the ring to the elder'));
    expect(parseCommand('tkae sword')).toEqual(command('tkae sword'));
    expect(parseCommand('grab the lantern')).toEqual(command('grab the lantern'));
  });
});
