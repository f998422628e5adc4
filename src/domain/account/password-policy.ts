import { DomainError } from '../decider.ts';

/**
 * Lengths in characters (code points) for the minimum and in UTF-8 bytes for the maximum: the hash
 * reads bytes, and 512 is what the former limit of 128 UTF-16 units could reach, so every password
 * accepted before is still accepted at login.
 */
export const PASSWORD_LENGTH = { minCharacters: 8, maxBytes: 512 } as const;

/** The most common passwords of eight characters or more (shorter ones fail the length rule anyway). */
const COMMON_PASSWORDS = new Set([
  '12345678',
  '123456789',
  '1234567890',
  '0123456789',
  '87654321',
  '123123123',
  '11111111',
  '00000000',
  '88888888',
  'password',
  'password1',
  'password12',
  'password123',
  'passw0rd',
  'p@ssw0rd',
  'qwertyui',
  'qwertyuiop',
  'qwerty123',
  'qwerty12',
  '1q2w3e4r',
  '1q2w3e4r5t',
  '1qaz2wsx',
  'zaq12wsx',
  'asdfghjk',
  'asdfghjkl',
  'abcd1234',
  'abc12345',
  'abcdefgh',
  'iloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'welcome1',
  'trustno1',
  'superman',
  'starwars',
  'whatever',
  'letmein1',
  'dragon12',
  'computer',
  'michelle',
  'jennifer',
  'corvette',
  'mercedes',
  'changeme',
]);

export const utf8Length = (text: string) => new TextEncoder().encode(text).length;

/** Refuses what a login could never be safe with: too short or long, blank, common, the name itself. */
export function checkNewPassword(password: unknown, username: string): asserts password is string {
  if (
    typeof password !== 'string' ||
    Array.from(password).length < PASSWORD_LENGTH.minCharacters ||
    utf8Length(password) > PASSWORD_LENGTH.maxBytes
  ) {
    throw new DomainError(
      'invalid_password',
      `a password is at least ${PASSWORD_LENGTH.minCharacters} characters and at most ${PASSWORD_LENGTH.maxBytes} bytes (UTF-8) long`,
    );
  }
  const folded = password.trim().toLowerCase();
  if (folded === '') throw weak('a password of spaces only is no password');
  if (new Set(Array.from(folded)).size === 1) throw weak('one character repeated is guessed at once');
  if (COMMON_PASSWORDS.has(folded)) throw weak('this is one of the most common passwords');
  if (folded === username.toLowerCase()) throw weak('a password must not be the username');
}

function weak(why: string): DomainError {
  return new DomainError('weak_password', `${why}: choose another password`);
}
