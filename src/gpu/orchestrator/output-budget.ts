import { limits } from '../../limits.ts';

export interface OutputBudget {
  /** Time left until the answer is due (the action's deadline minus now, minus what must follow the answer). */
  remainingMs: number;
  /** The backend's measured completion rate (TokenRates); undefined until it has answered once. */
  tokensPerSecond: number | undefined;
  /**
   * The prompt's size and the server's prefill rate, when known, for the time reading the prompt takes.
   * Leave them out when tokensPerSecond is measured over whole requests (TokenRates): prefill is in it.
   */
  promptTokens?: number;
  promptTokensPerSecond?: number;
  /** The most this kind of answer may take (its schema's worst case). */
  ceiling: number;
  /** The fewest tokens worth asking for (a short JSON answer); default limits.minCompletionTokens. */
  floor?: number;
}

/**
 * The completion-token cap (max_tokens) with which an answer can still finish before its deadline at the
 * rate this backend has been writing: 4.4 s left at 17 tokens/s is 74 tokens. Never under the floor (an
 * answer cut shorter than that is no valid JSON anyway, so the floor is the cheapest try) and never over
 * the ceiling. Without a measured rate yet: the ceiling.
 */
export function maxTokensFor(budget: OutputBudget): number {
  const { remainingMs, tokensPerSecond, promptTokens, promptTokensPerSecond, ceiling } = budget;
  if (!Number.isInteger(ceiling) || ceiling < 1)
    throw new RangeError(`ceiling must be a whole number of tokens ≥ 1, got ${ceiling}`);
  const floor = Math.min(budget.floor ?? limits.minCompletionTokens, ceiling);
  if (!Number.isFinite(remainingMs)) throw new RangeError(`remainingMs must be a number, got ${remainingMs}`);
  for (const [name, value] of [
    ['tokensPerSecond', tokensPerSecond],
    ['promptTokens', promptTokens],
    ['promptTokensPerSecond', promptTokensPerSecond],
  ] as const) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0))
      throw new RangeError(`${name} must be a number ≥ 0, got ${value}`);
  }
  if (tokensPerSecond === undefined) return ceiling;
  const prefillMs =
    promptTokens !== undefined && promptTokensPerSecond !== undefined && promptTokensPerSecond > 0
      ? (promptTokens / promptTokensPerSecond) * 1000
      : 0;
  const writable = Math.floor(((remainingMs - prefillMs) / 1000) * tokensPerSecond);
  return Math.min(ceiling, Math.max(floor, writable));
}

/**
 * Each backend's completion rate as its answers show it: completion tokens over the request's whole
 * duration (prefill and the server's own queueing included, which is what the deadline sees), as an
 * exponentially weighted mean so that a batch growing on the server slows the estimate within a few answers.
 */
export class TokenRates {
  private readonly rates = new Map<string, number>();

  /** weight: how much the newest answer counts (0..1]. */
  constructor(private readonly weight = 0.2) {
    if (!(weight > 0 && weight <= 1)) throw new RangeError(`weight must be in (0, 1], got ${weight}`);
  }

  record(backendName: string, completionTokens: number, durationMs: number): void {
    if (!(completionTokens > 0 && durationMs > 0)) return;
    const rate = (completionTokens * 1000) / durationMs;
    const previous = this.rates.get(backendName);
    this.rates.set(backendName, previous === undefined ? rate : previous + this.weight * (rate - previous));
  }

  tokensPerSecond(backendName: string): number | undefined {
    return this.rates.get(backendName);
  }
}
