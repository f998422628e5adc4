import { describe, expect, it } from 'vitest';
import {
  benchEmbedder,
  evaluateSemanticPairs,
  loadSemanticPairs,
  type RequestPair,
} from '../bench/lanes/semantic-pairs.ts';
import { LocalHashEmbedder, OllamaEmbedder } from '../src/infrastructure/memory/embedder.ts';

/** The same vector for every wording: every pair of one form is similarity 1. */
const blind = { name: 'blind', dimensions: 1, embed: async (texts: string[]) => texts.map(() => [1]) };

describe('the semantic cache benchmark', () => {
  it('ships about as many same pairs as different ones, each with a reason', () => {
    const pairs = loadSemanticPairs();
    const same = pairs.filter((pair) => pair.same).length;
    expect(pairs.length).toBeGreaterThanOrEqual(100);
    expect(Math.abs(same - (pairs.length - same))).toBeLessThanOrEqual(pairs.length * 0.1);
    expect(pairs.every((pair) => pair.why.length > 0)).toBe(true);
  });

  it('counts same pairs at or above the threshold as hits and different ones as false hits, after the form check', async () => {
    const pairs: RequestPair[] = [
      { a: 'hello', b: 'hi there', same: true, why: '' },
      { a: 'I am ready', b: 'I am not ready', same: false, why: '' },
      { a: 'where is the inn?', b: 'where is the temple?', same: false, why: '' },
      { a: 'the bridge is safe', b: 'is the bridge safe?', same: false, why: '' },
    ];
    const report = await evaluateSemanticPairs(blind, 0.9, pairs);
    expect(report).toMatchObject({
      embedder: 'blind',
      threshold: 0.9,
      pairs: 4,
      same_pairs: 1,
      different_pairs: 3,
      hit_rate: 1,
      false_hit_rate: 0.333,
      false_hits: [{ a: 'where is the inn?', b: 'where is the temple?', similarity: 1 }],
    });
    expect(report.similarity_only[0]).toEqual({ threshold: 0.9, hit_rate: 1, false_hit_rate: 1 });
    expect(report.note).toMatch(/^embedding model blind/);
  });

  it('says when its figures come from the local hash embedder, and uses Ollama when OLLAMA_EMBED_HOST is set', async () => {
    const report = await evaluateSemanticPairs(new LocalHashEmbedder(), 0.9, loadSemanticPairs().slice(0, 4));
    expect(report.note).toContain('lexical, no model');
    expect(benchEmbedder({})).toBeInstanceOf(LocalHashEmbedder);
    const ollama = benchEmbedder({ OLLAMA_EMBED_HOST: 'http://127.0.0.1:11434' });
    expect(ollama).toBeInstanceOf(OllamaEmbedder);
    expect(ollama.name).toBe('ollama:nomic-embed-text');
  });
});
