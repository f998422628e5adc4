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
