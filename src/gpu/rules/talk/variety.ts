/** How varied a set of NPC replies is: the figures of the `npc-variety` benchmark. */
export interface ReplyVariety {
  replies: number;
  /** Replies identical to an earlier one, in percent of all replies. */
  exactRepeatPct: number;
  /** The share of replies that open with the most common opening, in percent. */
  topOpeningPct: number;
  /** The most common openings (first five words, lowercased, punctuation stripped), most common first. */
  topOpenings: { opening: string; count: number }[];
}

const OPENING_WORDS = 5;

/** A reply's opening: its first five words, lowercased, without punctuation. */
export function openingOf(reply: string): string {
  return reply
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s'-]/gu, ' ')
    .replace(/['-]/g, '')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, OPENING_WORDS)
    .join(' ');
}

export function replyVariety(replies: readonly string[], top = 5): ReplyVariety {
  const seen = new Set<string>();
  let repeats = 0;
  const openings = new Map<string, number>();
  for (const reply of replies) {
    if (seen.has(reply)) repeats++;
    seen.add(reply);
    const opening = openingOf(reply);
    openings.set(opening, (openings.get(opening) ?? 0) + 1);
  }
  const ranked = [...openings.entries()]
    .map(([opening, count]) => ({ opening, count }))
    .sort((a, b) => b.count - a.count || a.opening.localeCompare(b.opening));
  const pct = (n: number) => (replies.length === 0 ? 0 : Math.round((n / replies.length) * 1000) / 10);
  return {
    replies: replies.length,
    exactRepeatPct: pct(repeats),
    topOpeningPct: pct(ranked[0]?.count ?? 0),
    topOpenings: ranked.slice(0, top),
  };
}
