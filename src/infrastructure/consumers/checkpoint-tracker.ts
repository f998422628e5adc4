import type { Position } from '../infrastructure/event-store/event-store.ts';

/**
 * Events are handled concurrently but the checkpoint may only pass an event once it and every event
 * before it are done: the safe position is just below the oldest one still in flight.
 */
export class CheckpointTracker {
  private readonly inFlight = new Set<Position>();
  private lastStarted: Position;

  constructor(start: Position) {
    this.lastStarted = start;
  }

  started(position: Position): void {
    this.inFlight.add(position);
    this.lastStarted = position;
  }

  finished(position: Position): void {
    this.inFlight.delete(position);
  }

  get safePosition(): Position {
    let oldest: Position | undefined;
    for (const position of this.inFlight) if (oldest === undefined || position < oldest) oldest = position;
    return oldest === undefined ? this.lastStarted : oldest - 1n;
  }

  get size(): number {
    return this.inFlight.size;
  }
}
