/**
 * Edits (insert, delete, substitute, swap two neighbours) from one word to another: "tkae" is one
 * edit from "take", "nrth" one from "north". Optimal string alignment distance.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** `editDistance(a, b)` when it is at most `max`, else undefined (cheaply, when the lengths alone say so). */
export function distanceWithin(a: string, b: string, max: number): number | undefined {
  if (Math.abs(a.length - b.length) > max) return undefined;
  const distance = editDistance(a, b);
  return distance <= max ? distance : undefined;
}

/** Longer than this, typed text is no typo of a name or a verb (and is not compared: it would cost). */
const LONGEST_TYPO = 40;

/** How many edits a typed word of this length may be off and still be taken for another: none for 1-2 letters. */
export function typoAllowance(word: string): number {
  if (word.length <= 2 || word.length > LONGEST_TYPO) return 0;
  if (word.length <= 5) return 1;
  return 2;
}
