import { describe, expect, it } from 'vitest';

// The client is plain JavaScript without type declarations: loaded by URL, typed here by hand.
const CLIENT_COMMANDS = new URL('./public/commands.js', import.meta.url).href;
const { parseCommand } = (await import(CLIENT_COMMANDS)) as { parseCommand: (text: string) => unknown };

describe("the browser client's command parser", () => {
  it('offers only the directions the world has', () => {
    expect(parseCommand('n')).toEqual({ action: { action_type: 'move', direction: 'north' } });
    expect(parseCommand('go down')).toEqual({ action: { action_type: 'move', direction: 'down' } });
    // The world has no diagonal exits: "ne" is not a direction, and is not sent as one.
    expect(JSON.stringify(parseCommand('ne'))).not.toContain('northeast');
  });

  it('reads examine, and its short forms x and inspect', () => {
    const examine = { action: { action_type: 'examine', target: 'oak quarterstaff' } };
    expect(parseCommand('examine oak quarterstaff')).toEqual(examine);
    expect(parseCommand('x oak quarterstaff')).toEqual(examine);
    expect(parseCommand('inspect at oak quarterstaff')).toEqual(examine);
  });
});

describe("the browser client's verbs for who, help, emote, whisper, gear and consumables", () => {
  it('sends who, and help to the server (which gives examples from where the player stands)', () => {
    expect(parseCommand('who')).toEqual({ action: { action_type: 'who' } });
    expect(parseCommand('help')).toEqual({ help: true, action: { action_type: 'help' } });
    expect(parseCommand('?')).toEqual({ help: true, action: { action_type: 'help' } });
  });

  it('reads emote and me, and whisper with or without a colon', () => {
    const waves = { action: { action_type: 'emote', message: 'waves' } };
    expect(parseCommand('emote waves')).toEqual(waves);
    expect(parseCommand('me waves')).toEqual(waves);
    const whisper = { action: { action_type: 'whisper', to: 'bea', message: 'meet me north' } };
    expect(parseCommand('whisper bea: meet me north')).toEqual(whisper);
    expect(parseCommand('whisper to bea meet me north')).toEqual(whisper);
    expect(parseCommand('whisper bea')).toEqual({ error: 'Usage: whisper <player>: <text>' });
  });

  it('reads equip, wield and wear, drink and quaff, and eat', () => {
    for (const verb of ['equip', 'wield', 'wear'])
      expect(parseCommand(`${verb} rusted chainmail`)).toEqual({
        action: { action_type: 'equip', item: 'rusted chainmail' },
      });
    expect(parseCommand('quaff healing potion')).toEqual({
      action: { action_type: 'drink', item: 'healing potion' },
    });
    expect(parseCommand('drink healing potion')).toEqual({
      action: { action_type: 'drink', item: 'healing potion' },
    });
    expect(parseCommand('eat loaf of bread')).toEqual({
      action: { action_type: 'eat', item: 'loaf of bread' },
    });
  });
});
