import { performance } from 'node:perf_hooks';

/**
 * The batching model of one simulated model server: while n requests run at once, each advances at
 * 1 / (1 + penalty·(n − 1)) of its own rate (processor sharing, recomputed whenever a request starts
 * or ends), so more requests at once raise the server's throughput but slow each answer.
 */
export class SimulatedGpu {
  private readonly running = new Set<Running>();
  private lastAdvance = performance.now();
  private timer: NodeJS.Timeout | undefined;
  peakActive = 0;

  constructor(private readonly batchPenalty: number) {}

  get active(): number {
    return this.running.size;
  }

  /**
   * Resolves once `workMs` (milliseconds of work at full, unbatched speed) is done; rejects with the
   * signal's reason, and stops counting the request as running, when the signal aborts first.
   */
  run(workMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        if (!this.running.has(running)) return;
        this.advance();
        this.running.delete(running);
        this.reschedule();
        reject(signal?.reason);
      };
      const running: Running = {
        remainingMs: workMs,
        finish: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.advance();
      this.running.add(running);
      this.peakActive = Math.max(this.peakActive, this.running.size);
      this.reschedule();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private speed(): number {
    return 1 / (1 + this.batchPenalty * Math.max(0, this.running.size - 1));
  }

  /** Moves every running request forward by the time since the last change, at the current speed. */
  private advance(): void {
    const now = performance.now();
    const progress = (now - this.lastAdvance) * this.speed();
    this.lastAdvance = now;
    for (const running of this.running) running.remainingMs -= progress;
  }

  /** One timer for the request that finishes first at the current speed. */
  private reschedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running.size === 0) return;
    let next = Number.POSITIVE_INFINITY;
    for (const running of this.running) next = Math.min(next, running.remainingMs);
    this.timer = setTimeout(() => this.complete(), Math.max(0, next / this.speed()));
  }

  private complete(): void {
    this.advance();
    const done = [...this.running].filter((r) => r.remainingMs <= 0.5);
    for (const running of done) this.running.delete(running);
    this.reschedule();
    for (const running of done) running.finish();
  }
}

interface Running {
  /** Work left, in milliseconds at full (unbatched) speed. */
  remainingMs: number;
  finish: () => void;
}
