import type { SceneReader } from '../../commands/scene-reader.ts';
import type { WorldRuntime } from '../../commands/world-runtime.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import type { Metrics } from '../../infrastructure/metrics.ts';
import type { Lane } from '../lane.ts';
import type { Optimizations } from '../optimizations.ts';
import { LlmOrchestrator } from '../orchestrator/orchestrator.ts';
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
  },
): Speculator | undefined {
  if (!optimizations.has('speculation') || !(lane instanceof LlmOrchestrator)) return undefined;
  return new Speculator({
    world: () => deps.runtime.world,
    contextFor: speculativeContexts(deps),
    prefetch: (context) => lane.prefetch(context),
    logger: deps.logger,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    ...(deps.clock ? { now: deps.clock } : {}),
  });
}
