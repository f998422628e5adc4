import { describe, expect, it } from 'vitest';
import { countPromptTokens, countTextTokens } from './prompt-tokens.ts';

describe('Llama 3 token counts', () => {
  it('counts text with the Llama 3 vocabulary (common words are one token each)', () => {
    expect(countTextTokens('the old stones')).toBe(3);
    expect(countTextTokens('')).toBe(0);
  });

  it('counts a chat through the Llama 3 template: headers, end-of-turn and the generation prompt', () => {
    const text = countTextTokens('look');
    const chat = countPromptTokens([{ role: 'user', content: 'look' }]);
    // <|begin_of_text|> <|start_header_id|>user<|end_header_id|>\n\n look <|eot_id|> + assistant header.
    expect(chat).toBeGreaterThan(text + 6);
    expect(countPromptTokens([{ role: 'user', content: 'look around the square' }])).toBe(chat + 3);
  });
});
