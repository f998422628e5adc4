import type { ReadModelRunner } from '../runner/projection-registry.ts';

export type { ProjectionStatus as ReadModelStatus, RebuildProgress } from '../runner/projection-runner.ts';
/*
 * The shape every read model's runner shows operators (SQL tables or Redis hot state). It is declared
 * once, next to the registry that drives it, and re-exported here for the hot state's runner.
 */
export type { ReadModelRunner };
export type ReadModelDescription = Awaited<ReturnType<ReadModelRunner['describe']>>;
