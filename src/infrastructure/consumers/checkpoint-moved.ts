import type { Position } from '../event-store/event-store.ts';

/**
 * A read model's checkpoint was not where this runner left it: another process applied events to the
 * same read model (a leader deposed without noticing yet, or two processes both running it). The batch
 * is refused whole, so nothing is applied twice, and the runner stops applying rather than compete.
 */
export class CheckpointMovedError extends Error {
  override readonly name = 'CheckpointMovedError';

  constructor(
    readonly readModel: string,
    readonly expected: Position,
    readonly found: Position | undefined,
  ) {
    super(
      `another process advanced projection ${readModel}: its checkpoint is at ${found ?? 'none'}, not ${expected} where this process left it`,
    );
  }
}
