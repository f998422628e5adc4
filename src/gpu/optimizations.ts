/**
 * The inference optimizations of the seed that raise how many players one GPU serves. Each can be
 * switched off (INFERENCE_OPTIMIZATIONS), so a benchmark can run the same load with and without them
 * and an operator can rule one out when chasing a problem.
 */
export const OPTIMIZATIONS = [
  /** Send the model what the situation needs, not the whole world card. */
  'prompt-compression',
  /** Reuse an answer to a request that means the same, worded otherwise (embedding similarity). */
  'semantic-cache',
  /** Cache a place's description apart from who is present, so it is shared across players. */
  'shared-descriptions',
  /** Embeddings of places, NPCs and players' recent actions, computed in the background. */
  'situation-embeddings',
  /** Generate what is likely asked next while a lane has idle slots. */
  'speculation',
  /** Map each region to one world-lane instance by consistent hashing (its KV cache stays warm). */
  'region-sharding',
  /** Slots follow the capacity an OpenAI-compatible server reports (continuous batching). */
  'server-capacity',
] as const;
export type Optimization = (typeof OPTIMIZATIONS)[number];

export type Optimizations = ReadonlySet<Optimization>;

export const ALL_OPTIMIZATIONS: Optimizations = new Set(OPTIMIZATIONS);
export const NO_OPTIMIZATIONS: Optimizations = new Set();

/**
 * `all`, `none`, a comma-separated list (`prompt-compression,semantic-cache`), or `all,-speculation`
 * to leave some out. Throws on a name it does not know, naming the known ones.
 */
export function parseOptimizations(text: string): Optimizations {
  const chosen = new Set<Optimization>();
  for (const raw of text.split(',')) {
    const word = raw.trim();
    if (!word) continue;
    if (word === 'all') for (const o of OPTIMIZATIONS) chosen.add(o);
    else if (word === 'none') chosen.clear();
    else {
      const name = word.startsWith('-') ? word.slice(1) : word;
      if (!(OPTIMIZATIONS as readonly string[]).includes(name))
        throw new Error(
          `unknown inference optimization "${name}" (known: all, none, ${OPTIMIZATIONS.join(', ')})`,
        );
      if (word.startsWith('-')) chosen.delete(name as Optimization);
      else chosen.add(name as Optimization);
    }
  }
  return chosen;
}
