/** Words ending in s that are one thing, not many (a boss, moss, a cutlass, a compass, a cactus). */
const SINGULAR_ENDINGS = /(ss|us|is|ous)$/i;

/** Whether what a player typed names several things ("wolves", "the bats") rather than one. */
export function soundsPlural(typed: string): boolean {
  const last = typed.trim().split(/\s+/).at(-1) ?? '';
  return /s$/i.test(last) && !SINGULAR_ENDINGS.test(last);
}

/** "There is no wolf here" / "There are no wolves here", after what the player typed. */
export function thereIsNo(typed: string, rest = 'here'): string {
  const what = typed.trim().replace(/^(the|a|an)\s+/i, '');
  return `There ${soundsPlural(what) ? 'are' : 'is'} no ${what} ${rest}.`;
}

/** "a wolf fang", "an oath-ring". */
export const withArticle = (name: string) => `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}`;

export interface Pronoun {
  them: string;
  They: string;
}

/** How someone is spoken of, read from their description ("A tall, stooped man…", "A lean woman…"). */
export function pronounOf(someone: { description: string }): Pronoun {
  if (/\b(woman|girl|she|her)\b/i.test(someone.description)) return { them: 'her', They: 'She' };
  if (/\b(man|boy|he|his)\b/i.test(someone.description)) return { them: 'him', They: 'He' };
  return { them: 'them', They: 'They' };
}
