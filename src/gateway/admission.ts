import { limits } from '../limits.ts';

/** How many windows in a row the event loop must lag before actions are refused for it. */
const SUSTAINED_WINDOWS = 2;
/** How fast the refused share grows per saturated window (and falls twice as fast after). */
const LOOP_DROP_STEP = 0.1;
const MAX_LOOP_DROP_SHARE = 0.9;
/** How fast the refused share grows per window with a standing queue, and falls per window without. */
const QUEUE_DROP_STEP = 0.2;
const MAX_QUEUE_DROP_SHARE = 0.95;

export type Admission = { ok: true } | { ok: false; reason: 'event_loop' | 'queue'; retryAfterMs: number };

export interface AdmissionOptions {
  /** The event loop's mean delay over the last window, in ms. */
  eventLoopDelayMs: () => number;
  now?: () => number;
  /** For the jitter of `retryAfterMs` (tests pass a fixed one). */
  random?: () => number;
}

/**
 * Decides, when an action frame arrives, whether the server takes it or refuses it at once with
 * `server_busy`. Past its capacity a server that takes everything only builds queues until every
 * action times out; one that refuses the excess at once keeps answering what it took in time.
 *
 * Signals: the event loop's delay, sustained over windows (the process has no CPU left), and two
 * queues of this pipeline judged the way CoDel judges a queue (when even the fastest action of a whole
 * window waited longer than the target, a queue stands): the wait to be recorded (frame arrival →
 * event appended), and the wait for an answer of actions that waited for no model and for no earlier
 * action of their own player (arrival → outcome: the lanes' and the outcome feed's backlog, which the
 * first queue does not see). While a queue stands, a share of the arrivals is refused, growing window
 * after window and falling once windows show it drained: a moment's queue costs a few refusals, a
 * lasting one is cut down before actions time out. No library measures these queues of ours.
 */
export class AdmissionControl {
  private readonly now: () => number;
  private readonly random: () => number;
  private windowStart: number;
  private recordedMin = Number.POSITIVE_INFINITY;
  private answeredMin = Number.POSITIVE_INFINITY;
  private loopWindows = 0;
  /** The share of arrivals refused while the event loop is saturated. */
  private loopDropShare = 0;
  /** The share of arrivals refused while a queue stands. */
  private queueDropShare = 0;
  private inFlight = 0;
  /** Action frames that arrived in the current and the last window. */
  private windowArrivals = 0;
  private lastWindowArrivals = 0;

  constructor(private readonly options: AdmissionOptions) {
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.windowStart = this.now();
  }

  admit(): Admission {
    this.roll();
    // Overload is many actions at once (in flight, or arriving within a window): a few slow ones (a
    // stalled disk for a moment, a lone player on a busy machine) are answered by their own timeouts,
    // not by turning players away.
    const crowded =
      this.inFlight >= limits.admissionMinInFlight || this.lastWindowArrivals >= limits.admissionMinInFlight;
    this.windowArrivals++;
    if (!crowded) return { ok: true };
    const draw = this.random();
    const reason =
      draw < this.loopDropShare ? 'event_loop' : draw < this.queueDropShare ? 'queue' : undefined;
    if (!reason) return { ok: true };
    // Spread the retries so that refused clients do not all come back in the same instant.
    const retryAfterMs = Math.round(limits.serverBusyRetryMs * (1 + this.random()));
    return { ok: false, reason, retryAfterMs };
  }

  /** An admitted action is on its way (it counts as in flight until `settled`). */
  started(): void {
    this.inFlight++;
  }

  /** An admitted action has its answer (or its player is gone): it no longer counts as in flight. */
  settled(): void {
    if (this.inFlight > 0) this.inFlight--;
  }

  /** An admitted action was recorded after waiting `waitedMs` since its frame arrived. */
  recorded(waitedMs: number): void {
    this.roll();
    if (waitedMs < this.recordedMin) this.recordedMin = waitedMs;
  }

  /**
   * An action that waited for no model and for no earlier action of its player was answered
   * `waitedMs` after its frame arrived.
   */
  answered(waitedMs: number): void {
    this.roll();
    if (waitedMs < this.answeredMin) this.answeredMin = waitedMs;
  }

  private roll(): void {
    const now = this.now();
    if (now - this.windowStart < limits.admissionWindowMs) return;
    // A verdict needs a fresh window: after a quiet spell the old window's actions say nothing of now.
    const fresh = now - this.windowStart < 2 * limits.admissionWindowMs;
    const queueStanding =
      fresh &&
      ((this.recordedMin !== Number.POSITIVE_INFINITY && this.recordedMin > limits.admissionQueueTargetMs) ||
        (this.answeredMin !== Number.POSITIVE_INFINITY && this.answeredMin > limits.admissionAnswerTargetMs));
    this.queueDropShare = queueStanding
      ? Math.min(MAX_QUEUE_DROP_SHARE, this.queueDropShare + QUEUE_DROP_STEP)
      : Math.max(0, this.queueDropShare - QUEUE_DROP_STEP);
    // A single slow window (a garbage collection, a module loading) is not overload; a run of them is.
    const saturated = this.options.eventLoopDelayMs() > limits.maxEventLoopDelayMs;
    this.loopWindows = saturated ? this.loopWindows + 1 : 0;
    this.loopDropShare =
      this.loopWindows >= SUSTAINED_WINDOWS
        ? Math.min(MAX_LOOP_DROP_SHARE, this.loopDropShare + LOOP_DROP_STEP)
        : Math.max(0, this.loopDropShare - 2 * LOOP_DROP_STEP);
    this.lastWindowArrivals = fresh ? this.windowArrivals : 0;
    this.windowArrivals = 0;
    this.windowStart = now;
    this.recordedMin = Number.POSITIVE_INFINITY;
    this.answeredMin = Number.POSITIVE_INFINITY;
  }
}
