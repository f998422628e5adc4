/**
 * UTS #39 confusable skeleton, restricted to the username alphabet (USERNAME_PATTERN: ASCII letters,
 * digits, "_" and "-"). These are all the rows of Unicode's confusables.txt (security data 16.0.0)
 * whose source is in that alphabet; NFD, the other step of the skeleton, changes no ASCII character.
 * Widening the alphabet beyond ASCII needs the full table (e.g. a maintained package) instead.
 *
 *   0030 ;	004F ;	MA	# ( 0 → O ) DIGIT ZERO → LATIN CAPITAL LETTER O
 *   0031 ;	006C ;	MA	# ( 1 → l ) DIGIT ONE → LATIN SMALL LETTER L
 *   0049 ;	006C ;	MA	# ( I → l ) LATIN CAPITAL LETTER I → LATIN SMALL LETTER L
 *   006D ;	0072 006E ;	MA	# ( m → rn ) LATIN SMALL LETTER M → LATIN SMALL LETTER R, LATIN SMALL LETTER N
 */
const CONFUSABLE_PROTOTYPES: Readonly<Record<string, string>> = { '0': 'O', '1': 'l', I: 'l', m: 'rn' };

/** UTS #39 skeleton(X) for a name in the username alphabet. */
export function skeleton(name: string): string {
  return Array.from(name, (char) => CONFUSABLE_PROTOTYPES[char] ?? char).join('');
}

/**
 * Two names with the same key are one name: usernames are case-insensitive, so the key is the
 * skeleton of the lower-cased skeleton (`kyIa` → `kyla` → `kyla`; `RN` → `rn`, like `m`).
 */
export function usernameKey(name: string): string {
  return skeleton(skeleton(name).toLowerCase());
}
