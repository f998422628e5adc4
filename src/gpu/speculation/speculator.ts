import { LRUCache } from 'lru-cache';
import type { World } from '../../domain/world/world.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { Metrics } from '../../infrastructure/metrics.ts';
import { speculationLimits } from '../../limits.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import type { LaneName } from '../orchestrator/lane-scheduler.ts';
import type { Speculation } from './speculations.ts';
import { speculationsAfter } from './speculations.ts';
import type { SpeculativeContextBuilder } from './stand-in.ts';

/** What the orchestrator did with a speculated context (see LlmOrchestrator.prefetch). */
export type PrefetchOutcome = 'cached' | 'generated' | 'skipped';

export interface SpeculatorDeps {
  world: () => World;
  contextFor: SpeculativeContextBuilder;
  /** Fills the response cache for a public context at the lowest priority; 'skipped' when no slot is idle. */
  prefetch: (context: ActionContext) => Promise<PrefetchOutcome>;
  /** Slots idle on a lane now: with none, a speculation is skipped before its scene is read. */
  idleSlots?: (lane: LaneName) => number;
  logger: Logger;
  metrics?: Metrics;
  now?: () => Date;
  /** Speculations running at once in this process. */
  maxRunning?: number;
  /** A speculation done (or under way) is not asked again for this long. */
  repeatAfterMs?: number;
}

type SpeculationOutcome = PrefetchOutcome | 'failed' | 'no_room';

/**
 * Speculative pre-computation: after a player's action resolves, asks the orchestrator to generate
 * what is likely asked next (the greetings of the NPCs where the player arrived, the descriptions of
 * the places around), so that the answer is in the response cache when it is asked for. It only ever
 * uses idle slots: the lanes run it at the lowest priority and abort it when real work queues, and a
 * lane found busy is not asked again in the same round. Never on the player's path, never an error.
 */
export class Speculator {
  /** Keys asked recently (or under way): each is asked at most once per `repeatAfterMs`. */
  private readonly recent: LRUCache<string, true>;
  private readonly rounds = new Set<Promise<void>>();
  private running = 0;
  private stopped = false;

  constructor(private readonly deps: SpeculatorDeps) {
    this.recent = new LRUCache({
      max: speculationLimits.keysRemembered,
      ttl: deps.repeatAfterMs ?? speculationLimits.repeatAfterMs,
    });
  }

  /** Called once an action's outcome is recorded; returns at once (the work goes on in the background). */
  afterResolved(context: ActionContext, outcome: Proposal): void {
    if (this.stopped) return;
    try {
      const at = this.deps.now?.() ?? new Date();
      const speculations = speculationsAfter(
        this.deps.world(),
        { action: context.action, locationId: context.player.locationId, effects: outcome.effects },
        at,
      ).filter((s) => !this.recent.has(s.key));
      if (speculations.length === 0) return;
      const round = this.round(speculations, at)
        .catch((error: unknown) => this.deps.logger.debug({ err: error }, 'speculation failed'))
        .finally(() => this.rounds.delete(round));
      this.rounds.add(round);
    } catch (error) {
      this.deps.logger.debug({ err: error }, 'speculation failed');
    }
  }

  /** Stops starting speculations; resolves once those under way have ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.settled();
  }

  /** Resolves once every speculation under way has ended (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.rounds.size > 0) await Promise.all(this.rounds);
  }

  /**
   * Most likely first, by as many workers as the process has room for (the rest are dropped, not
   * queued: by the time room is made they may be stale). A lane that skips one is busy: what remains
   * for it in this round is dropped as well.
   */
  private async round(speculations: Speculation[], at: Date): Promise<void> {
    const busy = new Set<LaneName>();
    let next = 0;
    const work = async () => {
      try {
        for (let s = speculations[next++]; s; s = speculations[next++]) {
          if (this.stopped || busy.has(s.lane) || this.recent.has(s.key)) continue;
          this.recent.set(s.key, true);
          const outcome = await this.speculate(s, at);
          this.count(s, outcome);
          // A lane with no idle slot now may have one later: the key may be asked again.
          if (outcome !== 'cached' && outcome !== 'generated') this.recent.delete(s.key);
          if (outcome === 'skipped') busy.add(s.lane);
        }
      } finally {
        this.running--;
      }
    };
    const workers: Promise<void>[] = [];
    const max = this.deps.maxRunning ?? speculationLimits.maxRunning;
    while (workers.length < speculations.length && this.running < max) {
      this.running++;
      workers.push(work());
    }
    if (workers.length === 0) for (const s of speculations) this.count(s, 'no_room');
    await Promise.all(workers);
  }

  private async speculate(speculation: Speculation, at: Date): Promise<SpeculationOutcome> {
    if (this.deps.idleSlots?.(speculation.lane) === 0) return 'skipped';
    try {
      const context = await this.deps.contextFor(speculation.locationId, speculation.action, at);
      return await this.deps.prefetch(context);
    } catch (error) {
      this.deps.logger.debug({ err: error, speculation: speculation.key }, 'speculation failed');
      return 'failed';
    }
  }

  private count(speculation: Speculation, outcome: SpeculationOutcome): void {
    this.deps.metrics?.speculations.inc({ kind: speculation.kind, outcome });
  }
}
