/**
 * Memory retrieval scoring from Generative Agents (Park et al. 2023): a memory's score is the weighted
 * sum of its recency, importance and relevance, each min-max normalised over the candidates.
 */

export interface MemoryCandidate {
  id: string;
  /** 1 (mundane) to 10 (poignant). */
  importance: number;
  /** ISO-8601. */
  lastAccessedAt: string;
  /** Cosine similarity to the query, -1..1. */
  relevance: number;
}

export interface ComponentScores {
  recency: number;
  importance: number;
  relevance: number;
}

export interface RankOptions {
  now: Date;
  /** Real seconds per game hour (60 in the starter world): recency decays in game time. */
  secondsPerGameHour: number;
  /** Default 3. */
  limit?: number;
  /** Default 1 each. */
  weights?: Partial<ComponentScores>;
  /** Recency factor per game hour since the last access; default 0.995, the paper's value. */
  decayPerGameHour?: number;
}

/** A candidate with its score and its normalised (unweighted) component scores, each 0..1. */
export type RankedMemory<C extends MemoryCandidate> = C & { score: number; components: ComponentScores };

export const DEFAULT_DECAY_PER_GAME_HOUR = 0.995;

/**
 * The top `limit` candidates, best first; equal scores keep their input order.
 *
 * A component that is the same for every candidate (all memories equally important, say, or a single
 * candidate) normalises to 0 for all of them: it cannot tell them apart, so it adds nothing and the
 * other components decide.
 */
export function rankMemories<C extends MemoryCandidate>(
  candidates: readonly C[],
  options: RankOptions,
): RankedMemory<C>[] {
  const limit = options.limit ?? 3;
  if (candidates.length === 0 || limit <= 0) return [];
  if (!(options.secondsPerGameHour > 0)) throw new RangeError('secondsPerGameHour must be positive');
  const decay = options.decayPerGameHour ?? DEFAULT_DECAY_PER_GAME_HOUR;
  const weights = { recency: 1, importance: 1, relevance: 1, ...options.weights };
  const nowMs = options.now.getTime();

  const recency = normalise(
    candidates.map((candidate) => {
      const accessedMs = Date.parse(candidate.lastAccessedAt);
      if (Number.isNaN(accessedMs)) {
        throw new RangeError(`memory ${candidate.id}: invalid lastAccessedAt ${candidate.lastAccessedAt}`);
      }
      // A last access "in the future" (clock skew between writers) counts as just now.
      const gameHours = Math.max(0, (nowMs - accessedMs) / 1000 / options.secondsPerGameHour);
      return decay ** gameHours;
    }),
  );
  const importance = normalise(candidates.map((candidate) => candidate.importance));
  const relevance = normalise(candidates.map((candidate) => candidate.relevance));

  return candidates
    .map((candidate, i) => {
      const components = { recency: recency[i]!, importance: importance[i]!, relevance: relevance[i]! };
      const score =
        weights.recency * components.recency +
        weights.importance * components.importance +
        weights.relevance * components.relevance;
      return { ...candidate, score, components };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

// Below this spread a component counts as constant, so float noise never becomes a 0..1 swing.
const CONSTANT_SPREAD = 1e-12;

function normalise(values: number[]): number[] {
  const min = Math.min(...values);
  const spread = Math.max(...values) - min;
  if (spread < CONSTANT_SPREAD) return values.map(() => 0);
  return values.map((value) => (value - min) / spread);
}

const IMPORTANT_WORDS = new Set(
  'prophecy danger help kill murder death dead die died dying love hatred secret promise quest treasure gold betray curse revenge steal stole stolen thief thieves poison dragon war attack fear afraid rescue blood heir crown monster escape'
    .split(' ')
    .map(stem),
);

/**
 * How important a memory is, 1..10, without an LLM (the paper asks one). Starts at 1 and adds: up to 2
 * for length (one per 10 words), 1 for a question, 1 for an exclamation, up to 2 for proper nouns
 * (capitalised words inside a sentence) and 2 per emotional or quest word (prophecy, danger, kill,
 * secret, treasure…) up to 4. Deterministic: "hello" is 1, a dragon prophecy told by a named elder 9.
 */
export function rateImportance(text: string): number {
  const words = text.match(/[\p{L}\p{N}]+/gu) ?? [];
  const keywords = new Set(
    words.map((word) => stem(word.toLowerCase())).filter((w) => IMPORTANT_WORDS.has(w)),
  );
  let score = 1;
  score += Math.min(2, Math.floor(words.length / 10));
  if (text.includes('?')) score += 1;
  if (text.includes('!')) score += 1;
  score += Math.min(2, properNouns(text).size);
  score += Math.min(4, 2 * keywords.size);
  return Math.min(10, score);
}

function properNouns(text: string): Set<string> {
  const names = new Set<string>();
  for (const sentence of text.split(/[.!?:;"]+/)) {
    const words = sentence.match(/[\p{L}\p{N}]+/gu) ?? [];
    for (const word of words.slice(1)) {
      if (/^\p{Lu}\p{Ll}/u.test(word)) names.add(word);
    }
  }
  return names;
}

/** Light suffix stripping so "dangers", "killed", "loving" and "prophecies" meet their keywords. */
function stem(word: string): string {
  for (const [suffix, replacement] of [
    ['ies', 'y'],
    ['ous', ''],
    ['ful', ''],
    ['ing', ''],
    ['ed', ''],
    ['es', ''],
    ['s', ''],
  ] as const) {
    if (word.endsWith(suffix) && word.length - suffix.length + replacement.length >= 3) {
      if (suffix === 's' && word.endsWith('ss')) break;
      word = word.slice(0, -suffix.length) + replacement;
      break;
    }
  }
  return word.length > 3 && word.endsWith('e') ? word.slice(0, -1) : word;
}
