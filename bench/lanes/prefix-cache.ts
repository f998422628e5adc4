import { createHash } from 'node:crypto';
import { countTextTokens } from '../../src/gpu/prompts/testing/prompt-tokens.ts';

export interface PromptMessage {
  role: string;
  content: string;
}

/**
 * Llama 3's chat template around the texts: <|begin_of_text|>, then per message
 * <|start_header_id|>role<|end_header_id|>\n\n … <|eot_id|>, then the generation prompt
 * <|start_header_id|>assistant<|end_header_id|>\n\n. The template trims each message's content.
 * (test/bench-simulated-model-server.test.ts checks the sum against countPromptTokens.)
 */
const BEGIN_TOKENS = 1;
const PER_MESSAGE_TOKENS = 5;
const GENERATION_PROMPT_TOKENS = 4;
const TEXT_MEMO_SIZE = 2_000;

/**
 * Prompt tokens as a Llama 3 server counts them (the model family's tokenizer, through
 * src/gpu/prompts/testing/prompt-tokens.ts), and the server's prefix cache: the longest prefix of whole
 * messages this instance has processed before costs nothing again (the KV cache of a shared prefix,
 * as vLLM's automatic prefix caching and SGLang's radix cache keep it), least recently used
 * prefixes forgotten past `capacity`.
 */
export class PrefixCache {
  /** Prefix hash → its tokens; Map order is the recency order (oldest first). */
  private readonly prefixes = new Map<string, number>();
  private readonly textTokens = new Map<string, number>();

  constructor(private readonly capacity = 400) {}

  /** The request's prompt tokens and how many of them the cache holds; remembers its prefixes. */
  admit(messages: readonly PromptMessage[]): { promptTokens: number; cachedTokens: number } {
    let tokens = BEGIN_TOKENS;
    let cachedTokens = 0;
    let hash = createHash('sha256');
    for (const message of messages) {
      tokens += this.tokensOf(message.content.trim()) + PER_MESSAGE_TOKENS;
      hash = hash.copy();
      hash.update(`${message.role}\u0000${message.content}\u0001`);
      const key = hash.copy().digest('base64');
      if (this.prefixes.has(key)) {
        this.prefixes.delete(key);
        cachedTokens = tokens;
      }
      this.prefixes.set(key, tokens);
    }
    while (this.prefixes.size > this.capacity) this.prefixes.delete(this.prefixes.keys().next().value!);
    return { promptTokens: tokens + GENERATION_PROMPT_TOKENS, cachedTokens };
  }

  private tokensOf(text: string): number {
    const known = this.textTokens.get(text);
    if (known !== undefined) {
      this.textTokens.delete(text);
      this.textTokens.set(text, known);
      return known;
    }
    const counted = countTextTokens(text);
    this.textTokens.set(text, counted);
    if (this.textTokens.size > TEXT_MEMO_SIZE) this.textTokens.delete(this.textTokens.keys().next().value!);
    return counted;
  }
}
