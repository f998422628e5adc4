import { describe, expect, it } from 'vitest';
import { skeleton, usernameKey } from './username-skeleton.ts';

describe('username key (UTS #39 skeleton, case-insensitive)', () => {
  it('maps the confusables.txt rows of the username alphabet to their prototypes', () => {
    expect(skeleton('I0m1')).toBe('lOrnl');
  });
  it('gives look-alike names one key', () => {
    const alike = [
      ['kyIa', 'kyla'],
      ['KYLA', 'kyla'],
      ['KyIa', 'kyLa'],
      ['b0b', 'BOB'],
      ['tim', 'tirn'],
      ['ARN', 'am'],
      ['ayla1', 'aylal'],
    ];
    for (const [a, b] of alike) expect(usernameKey(a!), `${a} ~ ${b}`).toBe(usernameKey(b!));
  });
  it('keeps names that do not look alike apart', () => {
    const apart = [
      ['kyla', 'kyia'],
      ['ayla', 'ayla_'],
      ['bob', 'bab'],
      ['ayla-1', 'ayla_1'],
    ];
    for (const [a, b] of apart) expect(usernameKey(a!), `${a} ≁ ${b}`).not.toBe(usernameKey(b!));
  });
});
