import type { SceneReader } from '../../commands/scene-reader.ts';
import type { WorldRuntime } from '../../commands/world-runtime.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { Metrics } from '../../infrastructure/metrics.ts';
import type { Lane } from '../lane.ts';
import type { Optimizations } from '../optimizations.ts';
import type { LaneName, LaneScheduler } from '../orchestrator/lane-scheduler.ts';
import { LlmOrchestrator } from '../orchestrator/orchestrator.ts';
import type { SituationLookup } from '../situations/situation-lookup.ts';
import { Speculator } from './speculator.ts';
import { speculativeContexts } from './stand-in.ts';

/**
 * The speculator of this process, when 'speculation' is among the inference optimizations and a
 * model answers (the lane is the orchestrator): with the rule engine alone there is nothing to prepare.
 */
export function openSpeculation(
  optimizations: Optimizations,
  lane: Lane,
  deps: {
    runtime: WorldRuntime;
    scenes: SceneReader;
    logger: Logger;
    metrics?: Metrics;
    clock?: () => Date;
    /** The situation index's lookup, when the processor has one (see speculativeContexts). */
    situations?: SituationLookup | undefined;
    /** The orchestrator's lanes, to skip a speculation on a busy one before reading its scene. */
    lanes?: Partial<Record<LaneName, LaneScheduler>>;
  },
): Speculator | undefined {
  if (!optimizations.has('speculation') || !(lane instanceof LlmOrchestrator)) return undefined;
  return new Speculator({
    world: () => deps.runtime.world,
    contextFor: speculativeContexts(deps),
    prefetch: (context) => lane.prefetch(context),
    ...(deps.lanes ? { idleSlots: (name: LaneName) => deps.lanes?.[name]?.idleSlots() ?? 0 } : {}),
    logger: deps.logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.clock ? { now: deps.clock } : {}),
  });
}
