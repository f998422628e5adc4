import type { Cache } from '../../infrastructure/cache/cache.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { Metrics } from '../../infrastructure/metrics.ts';
import { withTimeout } from '../../infrastructure/timeout.ts';
import { limits } from '../../limits.ts';
import {
  type ChatMessage,
  type LlmBackend,
  LlmBackendError,
  type LlmRequest,
} from '../backends/llm-backend.ts';
import { cacheKey } from '../cache-keys.ts';
import type { ActionContext, Lane, Proposal } from '../lane.ts';
import {
  buildNpcMessages,
  buildTauntMessages,
  type NpcContext,
  npcOutputToProposal,
  opensFight,
  withTaunt,
} from '../prompts/npc-prompt.ts';
import {
  npcOutputSchema,
  OUTPUT_SCHEMA_NAMES,
  tauntOutputSchema,
  worldOutputSchema,
} from '../prompts/schemas.ts';
import { buildWorldMessages, worldOutputToProposal } from '../prompts/world-prompt.ts';
import { SingleFlight } from '../single-flight.ts';
import { type CachePlan, cachePlan } from './cache-plan.ts';
import { type LaneName, type LaneScheduler, LaneUnavailableError, type Priority } from './lane-scheduler.ts';
import { routeOf } from './routing.ts';

export interface OrchestratorDeps {
  world?: LaneScheduler;
  npc?: LaneScheduler;
  /** Always there: the guidance for every prompt, and the answer when a lane cannot give one. */
  rules: Lane;
  cache: Cache;
  logger: Logger;
  metrics?: Metrics;
  worldVersion: () => string;
  /** The whole budget of one action (the seed's 5 s hard limit), counted from the request. */
  budgetMs?: number;
  /** The clock the action timestamps come from. */
  now?: () => Date;
}

/** Time kept back from the budget for checking and recording the outcome. */
const RECORDING_MARGIN_MS = 300;
/** A backend timeout counts against its breaker only when the request had at least this long. */
const FAIR_TIMEOUT_MS = 3_000;
const MAX_TOKENS = { world: 400, npc: 250, taunt: 60 } as const;

type FallbackCause = 'queue_wait' | 'breaker_open' | 'timeout' | 'unavailable' | 'malformed' | 'error';

/**
 * The seed's Central Orchestrator: routes each action to its lane(s), asks the LLM within the action's
 * time budget, shares identical generations in flight, caches what can be shared, and falls back
 * (template when the queue is too long, the rule engine when a backend fails) so that every action
 * gets an answer in time. The rule engine's outcome is computed first and given to the LLM as
 * guidance; whatever the LLM proposes is checked by the domain rules afterwards.
 */
export class LlmOrchestrator implements Lane {
  readonly name = 'orchestrator';
  private readonly inFlight = new SingleFlight<Proposal>();

  constructor(private readonly deps: OrchestratorDeps) {}

  async resolve(context: ActionContext): Promise<Proposal> {
    // The budget runs from when the player asked, not from when this action's turn came.
    const waited = Math.max(0, (this.deps.now?.() ?? new Date()).getTime() - context.at.getTime());
    const deadline =
      performance.now() - waited + (this.deps.budgetMs ?? limits.actionTimeoutMs) - RECORDING_MARGIN_MS;
    const guidance = await this.deps.rules.resolve(context);
    const route = routeOf(context.action.action_type);
    if (route.lanes === 'rules') return guidance;

    if (route.lanes === 'both') return this.combat(context, guidance, deadline);
    const lane = route.lanes;
    const scheduler = this.deps[lane];
    if (!scheduler) return guidance;
    const npc = context.npc;
    if (lane === 'npc' && !npc) return guidance;
    try {
      const plan = cachePlan(context, guidance);
      // An answer that is shared is generated from public facts only.
      const audience = plan && 'public' in plan.scope ? 'public' : 'private';
      const messages =
        lane === 'npc' && npc
          ? buildNpcMessages({ ...context, npc }, guidance, audience)
          : buildWorldMessages(context, guidance, audience);
      const generate = () =>
        lane === 'npc' && npc
          ? this.askNpc(scheduler, { ...context, npc }, guidance, messages, deadline)
          : this.askWorld(scheduler, context, guidance, messages, route.priority, deadline);
      return await (plan ? this.cached(plan, messages, deadline, generate) : generate());
    } catch (error) {
      return this.fallback(lane, error, guidance);
    }
  }

  /** Combat asks both lanes at once: the world for the blow and its consequences, the NPC lane for the taunt. */
  private async combat(context: ActionContext, guidance: Proposal, deadline: number): Promise<Proposal> {
    const enemy = context.enemiesHere.find((e) =>
      guidance.effects.some((x) => x.kind === 'attack' && x.enemy === e.enemy.id),
    )?.enemy;
    const world = this.deps.world
      ? this.askWorld(
          this.deps.world,
          context,
          guidance,
          buildWorldMessages(context, guidance),
          'combat',
          deadline,
        ).catch((error) => this.fallback('world', error, guidance))
      : Promise.resolve(guidance);
    // The enemy's line is heard once per fight, on its first blow (as the rule engine tells it).
    const taunt =
      this.deps.npc && enemy && opensFight(context, enemy)
        ? this.generate(
            this.deps.npc,
            'npc',
            'combat',
            {
              messages: buildTauntMessages(context, enemy),
              schema: tauntOutputSchema,
              schemaName: OUTPUT_SCHEMA_NAMES.taunt,
              maxTokens: MAX_TOKENS.taunt,
            },
            deadline,
          )
            .then((output) => output.taunt)
            .catch((error) => {
              this.countFallback('npc', causeOf(error));
              return undefined;
            })
        : Promise.resolve(undefined);
    const [outcome, line] = await Promise.all([world, taunt]);
    return line ? withTaunt(outcome, line) : outcome;
  }

  private async askWorld(
    scheduler: LaneScheduler,
    context: ActionContext,
    guidance: Proposal,
    messages: ChatMessage[],
    priority: Priority,
    deadline: number,
  ): Promise<Proposal> {
    const output = await this.generate(
      scheduler,
      'world',
      priority,
      {
        messages,
        schema: worldOutputSchema,
        schemaName: OUTPUT_SCHEMA_NAMES.world,
        maxTokens: MAX_TOKENS.world,
      },
      deadline,
    );
    return worldOutputToProposal(output, context, guidance);
  }

  private async askNpc(
    scheduler: LaneScheduler,
    context: NpcContext,
    guidance: Proposal,
    messages: ChatMessage[],
    deadline: number,
  ): Promise<Proposal> {
    const output = await this.generate(
      scheduler,
      'npc',
      'dialogue',
      {
        messages,
        schema: npcOutputSchema,
        schemaName: OUTPUT_SCHEMA_NAMES.npc,
        maxTokens: MAX_TOKENS.npc,
      },
      deadline,
    );
    return npcOutputToProposal(output, context, guidance);
  }

  /** One generation on a lane, within the deadline; output that does not parse is asked for once more. */
  private async generate<T>(
    scheduler: LaneScheduler,
    lane: LaneName,
    priority: Priority,
    request: Omit<LlmRequest<T>, 'timeoutMs'>,
    deadline: number,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await scheduler.submit(
          priority,
          async (backend) => {
            const timeoutMs = Math.floor(deadline - performance.now());
            if (timeoutMs <= 0) throw new LlmBackendError('aborted', 'no time left for this action');
            try {
              const response = await backend.generate({ ...request, timeoutMs });
              this.countTokens(lane, backend, response);
              return response.output;
            } catch (error) {
              // Running out of a budget already mostly spent is our deadline, not the backend's health:
              // only a backend that cannot answer within a fair share of the budget counts against it.
              if (
                error instanceof LlmBackendError &&
                error.failure === 'timeout' &&
                timeoutMs < FAIR_TIMEOUT_MS
              ) {
                throw new LlmBackendError('aborted', error.message, { cause: error });
              }
              throw error;
            }
          },
          deadline,
        );
      } catch (error) {
        const retry =
          error instanceof LlmBackendError &&
          error.failure === 'malformed' &&
          attempt === 1 &&
          deadline - performance.now() > 500;
        if (!retry) throw error;
        this.deps.logger.warn({ lane, err: error }, 'model output did not parse; asking once more');
      }
    }
  }

  /**
   * Shared answers: a cache hit, or one generation for identical requests in flight. A public answer's
   * key holds its exact prompt besides the facts its proposal is built from, so it is only ever shared
   * with a request that would have asked the model the very same thing: whatever a prompt holds, no
   * answer carries it to a player whose own prompt differs.
   */
  private async cached(
    plan: CachePlan,
    messages: ChatMessage[],
    deadline: number,
    generate: () => Promise<Proposal>,
  ): Promise<Proposal> {
    const key = cacheKey({
      kind: plan.kind,
      worldVersion: this.deps.worldVersion(),
      scope: plan.scope,
      facts: 'public' in plan.scope ? { facts: plan.facts, prompt: messages } : plan.facts,
    });
    // A cached proposal is checked by the rules again like any other: the facts in its key make it valid.
    const hit = await this.deps.cache.get<Proposal>(key).catch(() => undefined);
    this.deps.metrics?.cacheRequests.inc({ kind: plan.kind, outcome: hit === undefined ? 'miss' : 'hit' });
    if (hit !== undefined) return { ...hit, source: 'cache' };
    // Identical requests share one generation, which fills the cache even if its first caller gave up;
    // each caller still waits no longer than its own deadline.
    const shared = this.inFlight.run(key, async () => {
      const proposal = await generate();
      if (proposal.source === 'llm') {
        await this.deps.cache
          .set(key, proposal, plan.ttlMs)
          .catch((error) => this.deps.logger.warn({ err: error }, 'response cache unavailable'));
      }
      return proposal;
    });
    return withTimeout(
      shared,
      deadline - performance.now(),
      () => new LlmBackendError('timeout', 'the shared answer came too late'),
    );
  }

  private fallback(lane: LaneName, error: unknown, guidance: Proposal): Proposal {
    const cause = causeOf(error);
    this.countFallback(lane, cause);
    if (cause === 'error') this.deps.logger.error({ err: error, lane }, 'lane failed');
    else this.deps.logger.debug({ lane, cause, err: error }, 'lane fell back');
    // The seed: a long queue gets a template at once; a failing backend gets the rule engine.
    return cause === 'queue_wait' ? { ...guidance, source: 'template' } : guidance;
  }

  private countFallback(lane: LaneName, cause: FallbackCause): void {
    this.deps.metrics?.fallbacks.inc({ lane, cause });
  }

  private countTokens(
    lane: LaneName,
    backend: LlmBackend,
    response: { promptTokens: number; completionTokens: number; durationMs: number },
  ): void {
    const metrics = this.deps.metrics;
    if (!metrics) return;
    metrics.tokens.inc({ lane, backend: backend.name, kind: 'prompt' }, response.promptTokens);
    metrics.tokens.inc({ lane, backend: backend.name, kind: 'completion' }, response.completionTokens);
    if (response.durationMs > 0)
      metrics.tokensPerSecond.set(
        { lane, backend: backend.name },
        (response.completionTokens * 1000) / response.durationMs,
      );
  }
}

function causeOf(error: unknown): FallbackCause {
  if (error instanceof LaneUnavailableError) return error.reason;
  if (error instanceof LlmBackendError) {
    if (error.failure === 'timeout' || error.failure === 'aborted') return 'timeout';
    if (error.failure === 'malformed') return 'malformed';
    return 'unavailable';
  }
  return 'error';
}
