/** Words that name nothing one could look at ("x to" is not the road "to the gate"). */
const NAMES_NOTHING = new Set(
  'a an the to of and or from with at in on by for into onto toward towards its it his her their your my every which that this there here up down out over under across around between'.split(
    ' ',
  ),
);

/** The words of a text, lowercase, hyphenated ones split ("moss-covered" → moss, covered). */
const wordsOf = (text: string) => text.toLowerCase().match(/[a-z']+/g) ?? [];

/** One word and another name the same thing, singular or plural ("chart" and "charts", "wells" and "well"). */
const sameWord = (said: string, wanted: string) =>
  said === wanted ||
  said === `${wanted}s` ||
  said === `${wanted}es` ||
  wanted === `${said}s` ||
  wanted === `${said}es`;

/**
 * The sentences of a place's description that name what the player wants to look at ("well" → "Cobblestones
 * ring a moss-covered well…"), every word they typed in one sentence; undefined when none does, or when
 * they typed only words that name nothing. Only the content's own words are told, nothing invented.
 */
export function sceneryNamed(description: string, typed: string): string | undefined {
  const wanted = wordsOf(typed).filter((word) => !NAMES_NOTHING.has(word));
  if (wanted.length === 0) return undefined;
  const sentences = description.match(/[^.!?]+[.!?]+/g) ?? [description];
  const naming = sentences
    .map((sentence) => sentence.trim())
    .filter((sentence) => {
      const said = wordsOf(sentence);
      return wanted.every((word) => said.some((s) => sameWord(s, word)));
    });
  return naming.length > 0 ? naming.join(' ') : undefined;
}
