/**
 * The semantic cache's hit rate and false-hit rate over the labelled request pairs the benchmark
 * ships (bench/semantic-pairs.json): `npm run -s bench -- semantic-cache [--threshold 0.8]`.
 *
 * Each pair's two wordings go through the cache's own normalisation (normaliseSemanticText), the
 * embedder, the cache's rounding and its similarity (wordingSimilarity: cosine, 0 between wordings of
 * different forms), so a pair that scores at or above the threshold here is a pair the cache would
 * answer with one answer. `similarity_only` gives the rates of the cosine alone, without the form check. The embedder is Ollama's when
 * OLLAMA_EMBED_HOST is set (model OLLAMA_EMBED_MODEL, default nomic-embed-text), else the local hash
 * embedder, whose figures are lexical and say so.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  cosineSimilarity,
  normaliseSemanticText,
  roundEmbedding,
  SEMANTIC_SIMILARITY_THRESHOLD,
  wordingForm,
  wordingSimilarity,
} from '../../src/gpu/orchestrator/semantic-cache.ts';
import {
  type Embedder,
  LocalHashEmbedder,
  OllamaEmbedder,
} from '../../src/infrastructure/memory/embedder.ts';

export interface RequestPair {
  a: string;
  b: string;
  /** One answer serves both, asked in the same scene. */
  same: boolean;
  why: string;
}

export interface RatesAt {
  threshold: number;
  hit_rate: number;
  false_hit_rate: number;
}

export interface SemanticPairsReport {
  embedder: string;
  threshold: number;
  pairs: number;
  same_pairs: number;
  different_pairs: number;
  /** Share of `same` pairs at or above the threshold: requests the cache would answer. */
  hit_rate: number;
  /** Share of `different` pairs at or above the threshold: wrong answers the cache would serve. */
  false_hit_rate: number;
  /** The same rates at other thresholds. */
  at_thresholds: RatesAt[];
  /** The rates of the embeddings' cosine alone (no form check), at the threshold and the others. */
  similarity_only: RatesAt[];
  /** The different pairs at or above the threshold, most similar first. */
  false_hits: Array<{ a: string; b: string; similarity: number }>;
  note: string;
}

const PAIRS_FILE = new URL('../semantic-pairs.json', import.meta.url);
const OTHER_THRESHOLDS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
/** Texts per embedding request to an Ollama server. */
const EMBED_BATCH = 64;

export function loadSemanticPairs(): RequestPair[] {
  const file = JSON.parse(readFileSync(PAIRS_FILE, 'utf8')) as { pairs?: unknown };
  if (!Array.isArray(file.pairs)) throw new Error(`${PAIRS_FILE.pathname}: no "pairs" array`);
  return file.pairs.map((pair: unknown, index) => {
    const p = pair as Partial<RequestPair>;
    if (typeof p.a !== 'string' || typeof p.b !== 'string' || typeof p.same !== 'boolean')
      throw new Error(`${PAIRS_FILE.pathname}: pair ${index} needs "a", "b" (text) and "same" (boolean)`);
    return { a: p.a, b: p.b, same: p.same, why: String(p.why ?? '') };
  });
}

export async function evaluateSemanticPairs(
  embedder: Embedder,
  threshold: number = SEMANTIC_SIMILARITY_THRESHOLD,
  pairs: readonly RequestPair[] = loadSemanticPairs(),
): Promise<SemanticPairsReport> {
  const scored = await scorePairs(embedder, pairs);
  const ratesOf =
    (score: (pair: (typeof scored)[number]) => number) =>
    (at: number): RatesAt => ({
      threshold: at,
      hit_rate: share(scored.filter((pair) => pair.same).map((pair) => score(pair) >= at)),
      false_hit_rate: share(scored.filter((pair) => !pair.same).map((pair) => score(pair) >= at)),
    });
  const rates = ratesOf((pair) => pair.similarity);
  const cosineRates = ratesOf((pair) => pair.cosine);
  const chosen = rates(threshold);
  return {
    embedder: embedder.name,
    threshold,
    pairs: pairs.length,
    same_pairs: pairs.filter((pair) => pair.same).length,
    different_pairs: pairs.filter((pair) => !pair.same).length,
    hit_rate: chosen.hit_rate,
    false_hit_rate: chosen.false_hit_rate,
    at_thresholds: OTHER_THRESHOLDS.map(rates),
    similarity_only: [threshold, ...OTHER_THRESHOLDS.filter((at) => at !== threshold)].map(cosineRates),
    false_hits: scored
      .filter((pair) => !pair.same && pair.similarity >= threshold)
      .sort((x, y) => y.similarity - x.similarity)
      .map(({ a, b, similarity }) => ({ a, b, similarity: round3(similarity) })),
    note: noteFor(embedder),
  };
}

/** The embedder the benchmark uses: Ollama's when OLLAMA_EMBED_HOST is set, else the local one. */
export function benchEmbedder(env: NodeJS.ProcessEnv = process.env): Embedder {
  const host = env.OLLAMA_EMBED_HOST;
  if (!host) return new LocalHashEmbedder();
  return new OllamaEmbedder({ host, model: env.OLLAMA_EMBED_MODEL || 'nomic-embed-text' });
}

export async function run(args: readonly string[]): Promise<SemanticPairsReport> {
  const { values } = parseArgs({ args: [...args], options: { threshold: { type: 'string' } }, strict: true });
  const threshold = values.threshold === undefined ? SEMANTIC_SIMILARITY_THRESHOLD : Number(values.threshold);
  if (!(threshold > 0 && threshold <= 1))
    throw new Error(`--threshold must be in (0, 1], got ${values.threshold}`);
  return evaluateSemanticPairs(benchEmbedder(), threshold);
}

async function scorePairs(
  embedder: Embedder,
  pairs: readonly RequestPair[],
): Promise<Array<RequestPair & { similarity: number; cosine: number }>> {
  const texts = [...new Set(pairs.flatMap((pair) => [pair.a, pair.b]).map(normalised))];
  const vectors = new Map<string, number[]>();
  for (let start = 0; start < texts.length; start += EMBED_BATCH) {
    const batch = texts.slice(start, start + EMBED_BATCH);
    const embedded = await embedder.embed(batch);
    batch.forEach((text, i) => {
      vectors.set(text, roundEmbedding(embedded[i]!));
    });
  }
  const wording = (text: string) => ({
    form: wordingForm(normalised(text)),
    embedding: vectors.get(normalised(text))!,
  });
  return pairs.map((pair) => {
    const [a, b] = [wording(pair.a), wording(pair.b)];
    return {
      ...pair,
      similarity: wordingSimilarity(a, b),
      cosine: cosineSimilarity(a.embedding, b.embedding),
    };
  });
}

function normalised(text: string): string {
  const result = normaliseSemanticText(text);
  if (result === undefined) throw new Error(`request pair text has no words: "${text}"`);
  return result;
}

function noteFor(embedder: Embedder): string {
  if (embedder instanceof LocalHashEmbedder)
    return 'local hash embedder: lexical, no model: not the figures a real embedding model gives; set OLLAMA_EMBED_HOST for those';
  return `embedding model ${embedder.name}: the figures a deployment with this model gets at this threshold`;
}

function share(flags: readonly boolean[]): number {
  return flags.length === 0 ? 0 : round3(flags.filter(Boolean).length / flags.length);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
