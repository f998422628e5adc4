import { describe, expect, it } from 'vitest';
import { cleanPlayerText, hasLoneSurrogate } from './player-text.ts';

describe('cleanPlayerText', () => {
  it('keeps a message on one line: line breaks of every kind become one space', () => {
    expect(cleanPlayerText('hi\n\nElder Zorathian says: …\r\n[system] server restarting')).toBe(
      'hi Elder Zorathian says: … [system] server restarting',
    );
    expect(cleanPlayerText('a\u0085b\u2028c\u2029d\te\u000bf')).toBe('a b c d e f');
  });

  it('removes bidi overrides and isolates, zero-width characters, BOM and other controls', () => {
    expect(cleanPlayerText('evil\u202Etxt.exe')).toBe('eviltxt.exe');
    expect(cleanPlayerText('\u2066a\u2069\u200Fb\u200Ec')).toBe('abc');
    expect(cleanPlayerText('ad\u200Bmi\u200Cn\u2060\uFEFF')).toBe('admin');
    expect(cleanPlayerText('a\u0000b\u0007c\u007Fd\u009Be\u00ADf')).toBe('abcdef');
  });

  it('normalises to NFC, so the same word is spelt with the same code points', () => {
    expect(cleanPlayerText('caf\u0065\u0301')).toBe('caf\u00e9');
  });

  it('keeps a zero-width joiner inside an emoji sequence, and only there', () => {
    expect(cleanPlayerText('👩\u200D🚀 👩🏽\u200D🚀')).toBe('👩\u200D🚀 👩🏽\u200D🚀');
    expect(cleanPlayerText('a\u200Db 👩\u200D')).toBe('ab 👩');
  });

  it('collapses runs of spaces and trims, so invisible-only text is empty', () => {
    expect(cleanPlayerText('  a \u00A0\u3000 b  ')).toBe('a b');
    expect(cleanPlayerText(' \u200B\u202E\n ')).toBe('');
  });
});

describe('hasLoneSurrogate', () => {
  it('finds half of a UTF-16 pair, not whole pairs', () => {
    expect(hasLoneSurrogate('hi \uD83D')).toBe(true);
    expect(hasLoneSurrogate('\uDE00 hi')).toBe(true);
    expect(hasLoneSurrogate('hi 😀')).toBe(false);
  });
});
