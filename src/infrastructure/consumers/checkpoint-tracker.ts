import type { Position } from '../event-store/event-store.ts';

/**
 * Events are handled concurrently but the checkpoint may only pass an event once it and every event
 * before it are done: the safe position is just below the oldest one still in flight. Events start in
 * the order of their positions; they may finish in any order.
 */
export class CheckpointTracker {
  /** Started events in order; those before `head` are done. */
  private started_: Position[] = [];
  private head = 0;
  private readonly finishedEarly = new Set<Position>();
  private lastStarted: Position;

  constructor(start: Position) {
    this.lastStarted = start;
  }

  started(position: Position): void {
    if (position <= this.lastStarted)
      throw new RangeError(`event ${position} started after ${this.lastStarted}: out of order`);
    this.started_.push(position);
    this.lastStarted = position;
  }

  finished(position: Position): void {
    this.finishedEarly.add(position);
    while (this.head < this.started_.length && this.finishedEarly.delete(this.started_[this.head]!))
      this.head++;
    if (this.head > 1_024 && this.head * 2 > this.started_.length) {
      this.started_ = this.started_.slice(this.head);
      this.head = 0;
    }
  }

  get safePosition(): Position {
    const oldest = this.started_[this.head];
    return oldest === undefined ? this.lastStarted : oldest - 1n;
  }

  /** Events started and not finished. */
  get size(): number {
    return this.started_.length - this.head - this.finishedEarly.size;
  }
}
