import type { LocationView } from '../../domain/world/location-view.ts';
import type { Cache } from '../../infrastructure/cache/cache.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { Metrics } from '../../infrastructure/metrics.ts';
import { limits } from '../../limits.ts';
import {
  type ChatMessage,
  type LlmBackend,
  LlmBackendError,
  type LlmRequest,
} from '../backends/llm-backend.ts';
import type { ActionContext, Lane, Proposal } from '../lane.ts';
import { ALL_OPTIMIZATIONS, type Optimization, type Optimizations } from '../optimizations.ts';
import { buildDescriptionMessages } from '../prompts/description-prompt.ts';
import {
  buildNpcMessages,
  buildTauntMessages,
  type NpcContext,
  npcOutputToProposal,
  opensFight,
  rulesTaunt,
  unfitReply,
  withoutTaunt,
  withTaunt,
} from '../prompts/npc-prompt.ts';
import {
  npcOutputSchema,
  OUTPUT_SCHEMA_NAMES,
  tauntOutputSchema,
  type WorldOutput,
  worldOutputSchema,
} from '../prompts/schemas.ts';
import { buildWorldMessages, worldOutputToProposal } from '../prompts/world-prompt.ts';
import { withSharedDescription } from '../prompts/world-result.ts';
import { cachePlan, sharedDescriptionPlan } from './cache-plan.ts';
import { type LaneName, type LaneScheduler, LaneUnavailableError, type Priority } from './lane-scheduler.ts';
import { maxTokensFor, TokenRates } from './output-budget.ts';
import { routeOf } from './routing.ts';
import { type SemanticCache, semanticText } from './semantic-cache.ts';
import { type PrefetchOutcome, SharedAnswers, type SharedRequest } from './shared-answers.ts';

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
  /** Which of the inference optimizations are on (INFERENCE_OPTIMIZATIONS); all by default. */
  optimizations?: Optimizations;
  /** Answers to similar wordings ('semantic-cache'). */
  semanticCache?: SemanticCache;
}

/** Time kept back from the budget for checking and recording the outcome. */
const RECORDING_MARGIN_MS = 300;
/** A backend timeout counts against its breaker only when the request had at least this long. */
const FAIR_TIMEOUT_MS = 3_000;
/** The most each kind of answer may take; less when the time left at the backend's rate allows less. */
const MAX_TOKENS = { world: 400, description: 160, npc: 250, taunt: 60 } as const;

type FallbackCause = 'queue_wait' | 'breaker_open' | 'timeout' | 'unavailable' | 'malformed' | 'error';

/** How one action is put to its lane: what may be shared of it, how to ask, and how the answer is told. */
interface LaneAsk {
  shared?: SharedRequest;
  ask(priority: Priority, deadline: number): Promise<Proposal>;
  tell(answer: Proposal): Proposal;
}

/**
 * The seed's Central Orchestrator: routes each action to its lane(s), asks the LLM within the action's
 * time budget, shares identical generations in flight, caches what can be shared, and falls back
 * (template when the queue is too long, the rule engine when a backend fails) so that every action
 * gets an answer in time. The rule engine's outcome is computed first and given to the LLM as
 * guidance; whatever the LLM proposes is checked by the domain rules afterwards.
 */
export class LlmOrchestrator implements Lane {
  readonly name = 'orchestrator';
  private readonly shared: SharedAnswers;
  private readonly optimizations: Optimizations;
  private readonly rates = new TokenRates();

  constructor(private readonly deps: OrchestratorDeps) {
    this.optimizations = deps.optimizations ?? ALL_OPTIMIZATIONS;
    this.shared = new SharedAnswers({
      cache: deps.cache,
      logger: deps.logger,
      metrics: deps.metrics,
      worldVersion: deps.worldVersion,
      semanticCache: this.on('semantic-cache') ? deps.semanticCache : undefined,
    });
  }

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
    try {
      const asking = this.laneAsk(lane, context, guidance);
      if (!asking) return guidance;
      const ask = () => asking.ask(route.priority, deadline);
      return asking.tell(await (asking.shared ? this.shared.answer(asking.shared, deadline, ask) : ask()));
    } catch (error) {
      return this.fallback(lane, error, guidance);
    }
  }

  /**
   * Speculative pre-computation: generates the public answer to `context` (a place's description, an
   * NPC's greeting) into the cache, under the key the real request will look for, while the lane has
   * an idle slot. 'skipped' when the answer is not public, the lane is busy, or the lane took the slot
   * back for real work; never an error.
   */
  async prefetch(context: ActionContext, priority: Priority = 'speculative'): Promise<PrefetchOutcome> {
    const lane = routeOf(context.action.action_type).lanes;
    const outcome = await this.speculate(context, priority).catch((error: unknown) => {
      this.deps.logger.debug({ err: error, lane }, 'prefetch failed');
      return 'skipped' as const;
    });
    this.deps.metrics?.prefetches.inc({ lane, outcome });
    return outcome;
  }

  private async speculate(context: ActionContext, priority: Priority): Promise<PrefetchOutcome> {
    const lane = routeOf(context.action.action_type).lanes;
    if (!this.on('speculation') || (lane !== 'world' && lane !== 'npc')) return 'skipped';
    if ((this.deps[lane]?.idleSlots() ?? 0) === 0) return 'skipped';
    const guidance = await this.deps.rules.resolve(context);
    const asking = this.laneAsk(lane, context, guidance);
    if (!asking?.shared || !('public' in asking.shared.plan.scope)) return 'skipped';
    const deadline = performance.now() + (this.deps.budgetMs ?? limits.actionTimeoutMs) - RECORDING_MARGIN_MS;
    return this.shared.prefill(asking.shared, () => asking.ask(priority, deadline));
  }

  private laneAsk(lane: LaneName, context: ActionContext, guidance: Proposal): LaneAsk | undefined {
    const scheduler = this.deps[lane];
    if (!scheduler) return undefined;
    const view = guidance.result.location as LocationView | undefined;
    const action = context.action.action_type;
    if (
      lane === 'world' &&
      view &&
      (action === 'look' || action === 'move') &&
      this.on('shared-descriptions')
    ) {
      // The place is described for everyone; the rules tell the way taken, the moment and the exits.
      const messages = buildDescriptionMessages(context.world, view);
      const region = context.world.locations.get(view.id)?.region;
      return {
        shared: { plan: sharedDescriptionPlan(view), messages, action: context.action },
        ask: (priority, deadline) => this.askDescription(scheduler, messages, region, priority, deadline),
        tell: (answer) => ({
          ...withSharedDescription(guidance, view, answer.result.narration),
          source: answer.source,
        }),
      };
    }
    const npc = lane === 'npc' ? context.npc : undefined;
    if (lane === 'npc' && !npc) return undefined;
    const plan = cachePlan(context, guidance);
    // An answer that is shared is generated from public facts only.
    const audience = plan && 'public' in plan.scope ? 'public' : 'private';
    const options = {
      compress: this.on('prompt-compression'),
      sharedScene: this.on('shared-descriptions'),
    };
    const messages = npc
      ? buildNpcMessages({ ...context, npc }, guidance, audience, options)
      : buildWorldMessages(context, guidance, audience, options);
    const wording = plan?.wording && this.on('semantic-cache') ? semanticText(context.action) : undefined;
    return {
      ...(plan
        ? {
            shared: { plan, messages, action: context.action, ...(wording === undefined ? {} : { wording }) },
          }
        : {}),
      ask: (priority, deadline) =>
        npc
          ? this.askNpc(scheduler, { ...context, npc }, guidance, messages, priority, deadline)
          : this.askWorld(scheduler, context, guidance, messages, priority, deadline),
      tell: (answer) => answer,
    };
  }

  /** Combat asks both lanes at once: the world for the blow and its consequences, the NPC lane for the taunt. */
  private async combat(context: ActionContext, guidance: Proposal, deadline: number): Promise<Proposal> {
    const enemy = context.enemiesHere.find((e) =>
      guidance.effects.some((x) => x.kind === 'attack' && x.enemy === e.enemy.id),
    )?.enemy;
    // The enemy's line is put in afterwards, once (the taunt lane's, else the rules'): not retold by the world.
    const told = enemy ? withoutTaunt(guidance, enemy) : guidance;
    const world = this.deps.world
      ? this.askWorld(
          this.deps.world,
          context,
          guidance,
          buildWorldMessages(context, told, 'private', { compress: this.on('prompt-compression') }),
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
    const said = line ?? (enemy ? rulesTaunt(guidance, enemy) : undefined);
    return enemy && said ? withTaunt(outcome, enemy, said) : outcome;
  }

  private async askWorld(
    scheduler: LaneScheduler,
    context: ActionContext,
    guidance: Proposal,
    messages: ChatMessage[],
    priority: Priority,
    deadline: number,
  ): Promise<Proposal> {
    const request = worldRequest(messages, MAX_TOKENS.world);
    const output = await this.generate(
      scheduler,
      'world',
      priority,
      request,
      deadline,
      context.location.region,
    );
    return worldOutputToProposal(output, context, guidance);
  }

  /** A place's shared description, as a proposal of its own (cached as it is; told by `withSharedDescription`). */
  private async askDescription(
    scheduler: LaneScheduler,
    messages: ChatMessage[],
    region: string | undefined,
    priority: Priority,
    deadline: number,
  ): Promise<Proposal> {
    const request = worldRequest(messages, MAX_TOKENS.description);
    const output = await this.generate(scheduler, 'world', priority, request, deadline, region);
    return {
      effects: [],
      result: { action_type: 'look', narration: output.narration.trim() },
      source: 'llm',
    };
  }

  private async askNpc(
    scheduler: LaneScheduler,
    context: NpcContext,
    guidance: Proposal,
    messages: ChatMessage[],
    priority: Priority,
    deadline: number,
  ): Promise<Proposal> {
    const output = await this.generate(
      scheduler,
      'npc',
      priority,
      {
        messages,
        schema: npcOutputSchema,
        schemaName: OUTPUT_SCHEMA_NAMES.npc,
        maxTokens: MAX_TOKENS.npc,
      },
      deadline,
    );
    const unfit = unfitReply(output, context);
    if (unfit) throw new LlmBackendError('malformed', unfit);
    return npcOutputToProposal(output, context, guidance);
  }

  /**
   * One generation on a lane, within the deadline; output that does not parse is asked for once more.
   * `region`: the world lane keeps a region on one instance ('region-sharding'), its prompt cache warm.
   */
  private async generate<T>(
    scheduler: LaneScheduler,
    lane: LaneName,
    priority: Priority,
    request: Omit<LlmRequest<T>, 'timeoutMs'>,
    deadline: number,
    region?: string,
  ): Promise<T> {
    const routing = region !== undefined && this.on('region-sharding') ? { affinity: region } : {};
    for (let attempt = 1; ; attempt++) {
      try {
        return await scheduler.submit(
          priority,
          async (backend, signal) => {
            const timeoutMs = Math.floor(deadline - performance.now());
            if (timeoutMs <= 0) throw new LlmBackendError('aborted', 'no time left for this action');
            try {
              // As long an answer as this backend can write in the time left, never more than the kind's.
              const maxTokens = maxTokensFor({
                remainingMs: timeoutMs,
                tokensPerSecond: this.rates.tokensPerSecond(backend.name),
                ceiling: request.maxTokens ?? MAX_TOKENS.world,
              });
              const response = await backend.generate({ ...request, maxTokens, timeoutMs, signal });
              this.rates.record(backend.name, response.completionTokens, response.durationMs);
              this.countTokens(lane, backend, response);
              return response.output;
            } catch (error) {
              // Running out of a budget already mostly spent is our deadline, not the backend's health:
              // only a backend that cannot answer within a fair share of the budget counts against it.
              // Speculation is never owed an answer: its timeouts say nothing a real request's would not.
              if (
                error instanceof LlmBackendError &&
                error.failure === 'timeout' &&
                (timeoutMs < FAIR_TIMEOUT_MS || priority === 'speculative')
              ) {
                throw new LlmBackendError('aborted', error.message, { cause: error });
              }
              throw error;
            }
          },
          deadline,
          routing,
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

  private on(optimization: Optimization): boolean {
    return this.optimizations.has(optimization);
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

function worldRequest(
  messages: ChatMessage[],
  maxTokens: number,
): Omit<LlmRequest<WorldOutput>, 'timeoutMs'> {
  return { messages, schema: worldOutputSchema, schemaName: OUTPUT_SCHEMA_NAMES.world, maxTokens };
}
