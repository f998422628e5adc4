import { describe, expect, it } from 'vitest';
import { type ClientFrame, ProtocolError, parseClientFrame } from './protocol.ts';

const action = (data: Record<string, unknown>, id = 'c1') => JSON.stringify({ type: 'action', id, data });
const refusal = (text: string) => {
  try {
    parseClientFrame(text);
  } catch (error) {
    if (error instanceof ProtocolError) return { code: error.code, message: error.message, id: error.id };
    throw error;
  }
  throw new Error('the frame was accepted');
};
const said = (frame: ClientFrame) =>
  frame.type === 'action' && frame.action.action_type === 'say' ? frame.action.message : undefined;

describe('action types', () => {
  it('an alias players reach for (wear, wield, quaff, inspect, go, get) is taken as the action it names', () => {
    expect(parseClientFrame(action({ action_type: 'wear', item: 'jerkin' }))).toEqual({
      type: 'action',
      id: 'c1',
      action: { action_type: 'equip', item: 'jerkin' },
    });
    expect(parseClientFrame(action({ action_type: 'quaff', item: 'potion' }))).toMatchObject({
      action: { action_type: 'drink', item: 'potion' },
    });
    expect(parseClientFrame(action({ action_type: 'go', direction: 'north' }))).toMatchObject({
      action: { action_type: 'move', direction: 'north' },
    });
  });

  it('an unknown action type, or a name from Object.prototype, is unknown_action', () => {
    for (const actionType of ['dance', 'toString', 'constructor', '__proto__'])
      expect(refusal(action({ action_type: actionType }))).toMatchObject({
        code: 'unknown_action',
        id: 'c1',
      });
  });
});

describe('player text in frames', () => {
  it('a say cannot forge lines: its line breaks become spaces', () => {
    const frame = parseClientFrame(
      action({ action_type: 'say', message: 'hi\n\nElder Zorathian says: …\n[system] server restarting' }),
    );
    expect(said(frame)).toBe('hi Elder Zorathian says: … [system] server restarting');
  });

  it('bidi overrides, zero-width characters, U+0085 and U+2028 never reach other players', () => {
    const frame = parseClientFrame(action({ action_type: 'say', message: 'a\u202Eb\u200Bc\u0085d\u2028e' }));
    expect(said(frame)).toBe('abc d e');
  });

  it('names (talk, take, …) are cleaned too', () => {
    const frame = parseClientFrame(action({ action_type: 'take', item: 'sw\u200Bord\n' }));
    expect(frame.type === 'action' && frame.action).toMatchObject({ item: 'sword' });
  });

  it('a command frame carries its text cleaned, and refuses text that is empty, too long or not a string', () => {
    const frame = parseClientFrame(
      action({ action_type: 'command', text: ' take\u200B the sword\nand go north ' }),
    );
    expect(frame).toEqual({ type: 'command', id: 'c1', text: 'take the sword and go north' });
    for (const text of ['\u200B \n', 'go north '.repeat(60), 42])
      expect(refusal(action({ action_type: 'command', text }))).toMatchObject({
        code: 'invalid_action',
        id: 'c1',
      });
    expect(refusal(action({ action_type: 'dance' })).message).toContain('command');
  });

  it('a message that is only invisible characters is refused as invalid_action', () => {
    expect(refusal(action({ action_type: 'say', message: '\u200B\u202E\n' }))).toMatchObject({
      code: 'invalid_action',
      id: 'c1',
    });
  });

  it('a lone surrogate is a clear invalid_action (a retry could never work), not an internal error', () => {
    const refused = refusal(action({ action_type: 'say', message: 'hi \uD83D' }));
    expect(refused).toMatchObject({ code: 'invalid_action', id: 'c1' });
    expect(refused.message).toContain('lone surrogate');
  });

  it('a frame id with a NUL or a lone surrogate is refused', () => {
    expect(refusal(action({ action_type: 'look' }, 'a\u0000b')).code).toBe('invalid_frame');
    expect(refusal(action({ action_type: 'look' }, 'a\uDC00')).code).toBe('invalid_frame');
  });
});
