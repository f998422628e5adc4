import { Ollama } from 'ollama';

/** Turns texts into vectors whose cosine similarity says how alike the texts are. */
export interface Embedder {
  readonly name: string;
  readonly dimensions: number;
  /** One vector per text, in order. */
  embed(texts: string[]): Promise<number[][]>;
}

const STOP_WORDS = new Set(
  'a an and are as at be but by did do for from had has have he her his i if in is it its me my no not of on or our she so than that the their them then there they this to was we were what when which who will with you your'.split(
    ' ',
  ),
);

/**
 * Feature hashing of lowercased, lightly stemmed word unigrams and bigrams (common English stop words
 * left out) into signed buckets, L2-normalised. Deterministic and free: no model, no server.
 *
 * Its limits, honestly: it is lexical only. Texts are similar when they share words ("the smith's
 * hammer" / "hammers at the smithy" do not, "stolen hammer" / "hammer was stolen" do); it knows no
 * synonyms ("sword" vs "blade") and no meaning, and hash collisions add a little noise. Good enough
 * for "mentions the same words", which is what an NPC without an embedding model can recall by.
 * A text with no words embeds to the zero vector, similar to nothing.
 */
export class LocalHashEmbedder implements Embedder {
  readonly name = 'local-hash';

  constructor(readonly dimensions = 384) {}

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text));
  }

  private embedOne(text: string): number[] {
    const vector = new Array<number>(this.dimensions).fill(0);
    const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])
      .filter((word) => !STOP_WORDS.has(word))
      .map(stem);
    const features = [...words, ...words.slice(1).map((word, i) => `${words[i]} ${word}`)];
    for (const feature of features) {
      const hash = fnv1a(feature);
      vector[hash % this.dimensions]! += hash & 0x8000_0000 ? -1 : 1;
    }
    const norm = Math.hypot(...vector);
    return norm === 0 ? vector : vector.map((value) => value / norm);
  }
}

function stem(word: string): string {
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3 && !word.endsWith('ss')) {
      return word.slice(0, -suffix.length);
    }
  }
  return word;
}

/** 32-bit FNV-1a with a final avalanche (murmur3's fmix32), so bucket and sign bits are independent. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

export interface OllamaEmbedderOptions {
  /** e.g. http://127.0.0.1:11434 */
  host: string;
  /** e.g. nomic-embed-text */
  model: string;
  /** Per request; default 10 s. A hung server must not hold a recall forever. */
  timeoutMs?: number;
}

/** Embeddings from an Ollama server's /api/embed. */
export class OllamaEmbedder implements Embedder {
  readonly name: string;
  private readonly client: Ollama;
  private learnedDimensions = 0;

  constructor(private readonly options: OllamaEmbedderOptions) {
    this.name = `ollama:${options.model}`;
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.client = new Ollama({
      host: options.host,
      fetch: (input, init) => {
        const timeout = AbortSignal.timeout(timeoutMs);
        const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
        return fetch(input, { ...init, signal });
      },
    });
  }

  /** 0 until the first answer: the model decides it. Embed something before sizing a collection. */
  get dimensions(): number {
    return this.learnedDimensions;
  }

  async embed(texts: string[]): Promise<number[][]> {
    if (texts.length === 0) return [];
    const { embeddings } = await this.client.embed({ model: this.options.model, input: texts });
    if (!Array.isArray(embeddings) || embeddings.length !== texts.length) {
      throw new Error(`${this.name}: ${embeddings?.length ?? 'no'} embeddings for ${texts.length} texts`);
    }
    for (const embedding of embeddings) {
      if (this.learnedDimensions === 0) this.learnedDimensions = embedding.length;
      if (embedding.length !== this.learnedDimensions || embedding.length === 0) {
        throw new Error(
          `${this.name}: embedding of ${embedding.length} dimensions, expected ${this.learnedDimensions}`,
        );
      }
    }
    return embeddings;
  }
}
