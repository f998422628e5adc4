/**
 * What a player types, made safe to show other players on one line and to keep in the event log:
 * NFC-normalised; line breaks, tabs and every other kind of space become one plain space; control
 * characters (C0, C1, DEL) and invisible format characters (bidi overrides and isolates, zero-width
 * spaces and joiners, BOM, soft hyphen, tag characters) are removed, except a zero-width joiner
 * inside an emoji sequence (👩‍🚀).
 */
export function cleanPlayerText(text: string): string {
  return text.normalize('NFC').replace(SPACING, ' ').replace(INVISIBLE, '').replace(/ {2,}/g, ' ').trim();
}

/** True when the text holds a lone surrogate (half of a UTF-16 pair): not Unicode text at all. */
export function hasLoneSurrogate(text: string): boolean {
  return /\p{Cs}/u.test(text);
}

const SPACING = /[\t\n\v\f\r\u0085\p{Zs}\p{Zl}\p{Zp}]+/gu;
const EMOJI_JOINER =
  /(?<=\p{Extended_Pictographic}\p{Emoji_Modifier}?\u{FE0F}?)\u200d(?=\p{Extended_Pictographic})/u.source;
const INVISIBLE = new RegExp(`(?!${EMOJI_JOINER})[\\p{Cc}\\p{Cf}]`, 'gu');
