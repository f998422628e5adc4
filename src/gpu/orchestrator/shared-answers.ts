import type { Action } from '../../domain/actions.ts';
import type { Cache } from '../../infrastructure/cache/cache.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { Metrics } from '../../infrastructure/metrics.ts';
import { withTimeout } from '../../infrastructure/timeout.ts';
import { type ChatMessage, LlmBackendError } from '../backends/llm-backend.ts';
import { cacheKey } from '../cache-keys.ts';
import type { Proposal } from '../lane.ts';
import { neutralise } from '../prompts/player-text.ts';
import type { CachePlan } from './cache-plan.ts';
import type { SemanticCache } from './semantic-cache.ts';

/** One request whose answer may be shared: its plan, its prompt, and the wording the player used. */
export interface SharedRequest {
  plan: CachePlan;
  messages: ChatMessage[];
  action: Action;
  /** The player's wording (semanticText of the action): set only when the semantic cache may be asked. */
  wording?: string;
}

export type PrefetchOutcome = 'cached' | 'generated' | 'skipped';

export interface SharedAnswersDeps {
  cache: Cache;
  logger: Logger;
  metrics?: Metrics | undefined;
  worldVersion: () => string;
  semanticCache?: SemanticCache | undefined;
}

interface Flight {
  answer: Promise<Proposal>;
  /** Started by a prefetch: the lane may abort it when real work needs its slot. */
  speculative: boolean;
}

/**
 * Answers shared between requests: a cache hit, an answer to a similar wording (semantic cache), or
 * one generation for identical requests in flight, a speculative one (prefetch) included. A public
 * answer's key holds its exact prompt besides the facts its proposal is built from, so it is only ever
 * shared with a request that would have asked the model the very same thing: whatever a prompt holds,
 * no answer carries it to a player whose own prompt differs.
 */
export class SharedAnswers {
  private readonly flights = new Map<string, Flight>();

  constructor(private readonly deps: SharedAnswersDeps) {}

  async answer(
    request: SharedRequest,
    deadline: number,
    generate: () => Promise<Proposal>,
  ): Promise<Proposal> {
    const key = this.keyOf(request);
    const kind = request.plan.kind;
    // A cached proposal is checked by the rules again like any other: the facts in its key make it valid.
    const hit = await this.read(key);
    if (hit !== undefined) {
      this.deps.metrics?.cacheRequests.inc({ kind, outcome: 'hit' });
      return { ...hit, source: 'cache' };
    }
    const similar = await this.findSimilar(request, key);
    this.deps.metrics?.cacheRequests.inc({ kind, outcome: similar ? 'semantic_hit' : 'miss' });
    if (similar) return similar;
    // Identical requests share one generation, which fills the cache even if its first caller gave up;
    // each caller still waits no longer than its own deadline.
    const flight = this.share(key, false, () => this.generateAndKeep(request, key, generate));
    try {
      return await this.before(flight.answer, deadline);
    } catch (error) {
      // A speculation gives its slot up to real work: whoever joined it asks for itself, if time is left.
      if (!flight.speculative || deadline - performance.now() <= 0) throw error;
      const own = this.share(key, false, () => this.generateAndKeep(request, key, generate));
      return this.before(own.answer, deadline);
    }
  }

  /** Generates a public answer ahead of its request, under the key that request will look for. */
  async prefill(request: SharedRequest, generate: () => Promise<Proposal>): Promise<PrefetchOutcome> {
    if (!('public' in request.plan.scope)) return 'skipped';
    const key = this.keyOf(request);
    if (this.flights.has(key) || (await this.read(key)) !== undefined) return 'cached';
    const flight = this.share(key, true, () => this.generateAndKeep(request, key, generate));
    try {
      return (await flight.answer).source === 'llm' ? 'generated' : 'skipped';
    } catch (error) {
      this.deps.logger.debug({ err: error, kind: request.plan.kind }, 'speculation given up');
      return 'skipped';
    }
  }

  keyOf({ plan, messages }: SharedRequest): string {
    return cacheKey({
      kind: plan.kind,
      worldVersion: this.deps.worldVersion(),
      scope: plan.scope,
      facts: 'public' in plan.scope ? { facts: plan.facts, prompt: messages } : plan.facts,
    });
  }

  /**
   * The semantic cache's bucket: the exact key's parts with the wording taken out of the facts and of
   * the prompt, in the same scope, so only answers that differ by their wording alone meet in it.
   */
  bucketOf({ plan, messages, action }: SharedRequest): string {
    const { [plan.wording ?? '']: _wording, ...facts } = plan.facts as Record<string, unknown>;
    const said = 'message' in action ? neutralise(action.message) : '';
    const prompt = messages.map((m) => ({
      ...m,
      content: said ? m.content.replaceAll(said, '') : m.content,
    }));
    return cacheKey({
      kind: plan.kind,
      worldVersion: this.deps.worldVersion(),
      scope: plan.scope,
      facts: { similar: 'public' in plan.scope ? { facts, prompt } : facts },
    });
  }

  private async findSimilar(request: SharedRequest, key: string): Promise<Proposal | undefined> {
    const semantic = this.deps.semanticCache;
    if (!semantic || request.wording === undefined || !request.plan.wording) return undefined;
    const found = await semantic.find({ bucket: this.bucketOf(request), text: request.wording });
    // The bucket holds the scope already; an answer stored under another scope is never served.
    if (!found || scopeOf(found.answerKey) !== scopeOf(key)) return undefined;
    const stored = await this.read(found.answerKey);
    return stored && { ...inTheseWords(stored, request.action), source: 'semantic_cache' };
  }

  private async generateAndKeep(
    request: SharedRequest,
    key: string,
    generate: () => Promise<Proposal>,
  ): Promise<Proposal> {
    const proposal = await generate();
    if (proposal.source !== 'llm') return proposal;
    const { plan } = request;
    await this.deps.cache
      .set(key, proposal, plan.ttlMs)
      .catch((error) => this.deps.logger.warn({ err: error }, 'response cache unavailable'));
    const semantic = this.deps.semanticCache;
    if (semantic && request.wording !== undefined && plan.wording && standsForOthers(proposal))
      await semantic.remember({ bucket: this.bucketOf(request), text: request.wording }, key, plan.ttlMs);
    return proposal;
  }

  private share(key: string, speculative: boolean, work: () => Promise<Proposal>): Flight {
    const current = this.flights.get(key);
    if (current) return current;
    // Started through a resolved promise, so work that throws synchronously still settles the entry.
    const answer = Promise.resolve()
      .then(work)
      .finally(() => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      });
    const flight: Flight = { answer, speculative };
    this.flights.set(key, flight);
    return flight;
  }

  private read(key: string): Promise<Proposal | undefined> {
    return this.deps.cache.get<Proposal>(key).catch(() => undefined);
  }

  private before(answer: Promise<Proposal>, deadline: number): Promise<Proposal> {
    return withTimeout(
      answer,
      deadline - performance.now(),
      () => new LlmBackendError('timeout', 'the shared answer came too late'),
    );
  }
}

/** Everything of a cache key before its facts hash: kind, world version and scope. */
function scopeOf(key: string): string {
  return key.slice(0, key.lastIndexOf(':'));
}

/** What the player told of themselves belongs to the words they used: such an answer is not reused for others. */
function standsForOthers(proposal: Proposal): boolean {
  return !proposal.effects.some((effect) => effect.kind === 'talk' && (effect.facts?.length ?? 0) > 0);
}

/** An answer found for a similar wording, recorded with the words this player used. */
function inTheseWords(proposal: Proposal, action: Action): Proposal {
  if (action.action_type !== 'talk') return proposal;
  return {
    ...proposal,
    effects: proposal.effects.map((effect) =>
      effect.kind === 'talk' ? { ...effect, message: action.message } : effect,
    ),
  };
}
