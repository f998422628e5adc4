import { limits } from '../limits.ts';
import type { Broadcast } from './outcome-feed.ts';

/** What the hub needs of a WebSocket (ws's WebSocket has it). */
export interface HubSocket {
  readonly readyState: number;
  readonly OPEN: number;
  /** Sends `data` (UTF-8 JSON, encoded once for all recipients) as a text frame. */
  send(data: Buffer, options: { binary: false }): void;
}

/**
 * Frames a flush sends before it lets the event loop read sockets again: a tick's fan-out to
 * thousands of players is tens of milliseconds of system calls, during which no action frame would
 * be read (nor refused at once when the server is busy).
 */
const SENDS_PER_TURN = 256;
const AS_TEXT = { binary: false } as const;

export interface BroadcastHubOptions {
  /** The players online at a location, read when a tick is flushed. */
  recipientsAt(locationId: string): Iterable<string>;
  socketsOf(playerId: string): Iterable<HubSocket> | undefined;
  /** Told after every flush how many frames and events (counted per frame) went out. */
  sent?(frames: number, events: number): void;
  onError?(error: unknown): void;
  /** The tick, read each time one starts: fixed, or longer while the process is busy. */
  tickMs?: number | (() => number);
  crowdThreshold?: number;
  speechCap?: number;
  summaryNames?: number;
}

interface Published {
  broadcast: Broadcast;
  actor: string | undefined;
  json?: string;
}

interface SummaryLimits {
  /** More events of one crowd kind than this become one summary. */
  threshold: number;
  /** Voices sent one by one; the rest are summarised. */
  speechCap: number;
  /** Names a summary lists. */
  names: number;
}

interface Frame {
  bytes: Buffer;
  events: number;
}

/** Events that, past the crowd threshold in one tick, become one summary event. */
const CROWDS: Record<string, { event: string; verb: string }> = {
  player_arrived: { event: 'players_arrived', verb: 'arrive' },
  player_left: { event: 'players_left', verb: 'leave' },
  player_appeared: { event: 'players_appeared', verb: 'appear' },
  player_vanished: { event: 'players_vanished', verb: 'fade from view' },
};
const SPEECH = 'player_said';

/**
 * Gathers what happens at each location and sends it once per tick: every recipient gets one
 * `{"type":"events","events":[…]}` frame per location and tick. Each event is serialised once;
 * everyone who caused none of the events shares one frame string, and a player whose own event is
 * in the batch gets the batch without it. Crowds (many arrivals, departures, appearances, fadings
 * or voices at once) are summarised, so a frame's size does not grow with the crowd.
 */
export class BroadcastHub {
  private pending = new Map<string, Published[]>();
  /** When each crowded location last had presence news sent (see `deferCrowdNews`). */
  private readonly crowdNewsSentAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Frames due, in order, sent SENDS_PER_TURN per turn of the event loop. */
  private outbox: { socket: HubSocket; frame: Frame }[] = [];
  private outboxHead = 0;
  private draining = false;
  private readonly tickMs: () => number;
  private readonly summaries: SummaryLimits;

  constructor(private readonly options: BroadcastHubOptions) {
    const tickMs = options.tickMs ?? limits.broadcastTickMs;
    this.tickMs = typeof tickMs === 'number' ? () => tickMs : tickMs;
    this.summaries = {
      threshold: options.crowdThreshold ?? limits.broadcastCrowdThreshold,
      speechCap: options.speechCap ?? limits.broadcastSpeechCap,
      names: options.summaryNames ?? limits.broadcastSummaryNames,
    };
  }

  /** Queues a broadcast for the players at a location (except the one who caused it) until the tick ends. */
  publish(locationId: string, broadcast: Broadcast, exceptPlayerId?: string): void {
    if (this.closed) return;
    let queue = this.pending.get(locationId);
    if (!queue) {
      queue = [];
      this.pending.set(locationId, queue);
    }
    queue.push({ broadcast, actor: exceptPlayerId });
    // The tick runs only while there is something to send: an idle hub costs nothing.
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.tickMs());
      this.timer.unref();
    }
  }

  /** Sends everything queued; the timer calls it every tick while there is something to send. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.pending;
    this.pending = new Map();
    let frames = 0;
    let events = 0;
    const now = performance.now();
    for (const [locationId, queue] of due) {
      if (this.deferCrowdNews(locationId, queue, now)) continue;
      try {
        const sent = this.flushLocation(locationId, queue);
        frames += sent.frames;
        events += sent.events;
      } catch (error) {
        this.options.onError?.(error);
      }
    }
    if (frames > 0) this.options.sent?.(frames, events);
    if (!this.draining && this.outbox.length > 0) {
      this.draining = true;
      this.drain();
    }
  }

  /**
   * Comings and goings in a crowded place are news a player needs once a second, not twenty times:
   * sending them every tick to hundreds of players there (a connect storm into the starting square)
   * would be frames by the tens of thousands a second. A batch with only such news waits (summarised
   * with what follows) until a second has passed; speech and combat go every tick as always.
   */
  private deferCrowdNews(locationId: string, queue: Published[], now: number): boolean {
    const recipients = this.options.recipientsAt(locationId) as Iterable<string> & { size?: number };
    if ((recipients.size ?? 0) < limits.broadcastCrowdRecipients) return false;
    if (!queue.every((published) => published.broadcast.event in CROWDS)) return false;
    const last = this.crowdNewsSentAt.get(locationId);
    if (last !== undefined && now - last < limits.broadcastCrowdNewsEveryMs) {
      const later = this.pending.get(locationId);
      this.pending.set(locationId, later ? [...queue, ...later] : queue);
      this.timer ??= setTimeout(() => this.flush(), this.tickMs());
      this.timer.unref();
      return true;
    }
    this.crowdNewsSentAt.set(locationId, now);
    return false;
  }

  /** Drops what is queued and stops ticking. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.outbox = [];
    this.outboxHead = 0;
  }

  private flushLocation(locationId: string, queue: Published[]): { frames: number; events: number } {
    const actors = new Set<string>();
    for (const published of queue) if (published.actor !== undefined) actors.add(published.actor);
    const batch = new Batch(queue, this.summaries);
    let shared: Frame | null | undefined;
    const own = new Map<string, Frame | null>();
    let frames = 0;
    let events = 0;
    for (const playerId of this.options.recipientsAt(locationId)) {
      const sockets = this.options.socketsOf(playerId);
      if (!sockets) continue;
      let frame: Frame | null | undefined;
      if (actors.has(playerId)) {
        frame = own.get(playerId);
        if (frame === undefined) {
          frame = batch.frameFor(playerId);
          own.set(playerId, frame);
        }
      } else {
        if (shared === undefined) shared = batch.frameFor(undefined);
        frame = shared;
      }
      if (!frame) continue;
      for (const socket of sockets) {
        if (socket.readyState !== socket.OPEN) continue;
        this.outbox.push({ socket, frame });
        frames += 1;
        events += frame.events;
      }
    }
    return { frames, events };
  }

  /** Sends the outbox a turn's worth at a time; what a socket gets keeps the order it was queued in. */
  private readonly drain = (): void => {
    const end = Math.min(this.outbox.length, this.outboxHead + SENDS_PER_TURN);
    for (let i = this.outboxHead; i < end; i++) {
      const { socket, frame } = this.outbox[i]!;
      try {
        if (socket.readyState === socket.OPEN) socket.send(frame.bytes, AS_TEXT);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
    this.outboxHead = end;
    if (end < this.outbox.length && !this.closed) {
      setImmediate(this.drain);
      return;
    }
    this.outbox = [];
    this.outboxHead = 0;
    this.draining = false;
  };
}

/** One location's events of one tick, rendered for a viewer (the events they caused left out). */
class Batch {
  /** Summaries that exclude nobody's event, shared by every viewer whose own events are of other kinds. */
  private readonly sharedSummaries = new Map<string, string>();
  private readonly totals = new Map<string, number>();

  constructor(
    private readonly queue: readonly Published[],
    private readonly limits: SummaryLimits,
  ) {
    for (const { broadcast } of queue)
      this.totals.set(broadcast.event, (this.totals.get(broadcast.event) ?? 0) + 1);
  }

  frameFor(viewer: string | undefined): Frame | null {
    const visible = viewer === undefined ? this.queue : this.queue.filter((p) => p.actor !== viewer);
    const counts = new Map<string, number>();
    for (const { broadcast } of visible) counts.set(broadcast.event, (counts.get(broadcast.event) ?? 0) + 1);
    const parts: string[] = [];
    const summarised = new Set<string>();
    let spoken = 0;
    for (const published of visible) {
      const kind = published.broadcast.event;
      const count = counts.get(kind) ?? 0;
      if (CROWDS[kind] && count > this.limits.threshold) {
        if (!summarised.has(kind)) {
          summarised.add(kind);
          parts.push(this.summary(kind, visible, count === this.totals.get(kind)));
        }
        continue;
      }
      if (kind === SPEECH && ++spoken > this.limits.speechCap) {
        if (spoken === this.limits.speechCap + 1)
          parts.push(this.summary(kind, visible, count === this.totals.get(kind)));
        continue;
      }
      published.json ??= JSON.stringify(published.broadcast);
      parts.push(published.json);
    }
    if (parts.length === 0) return null;
    return { bytes: Buffer.from(`{"type":"events","events":[${parts.join(',')}]}`), events: parts.length };
  }

  private summary(kind: string, visible: readonly Published[], excludesNobody: boolean): string {
    const cached = excludesNobody ? this.sharedSummaries.get(kind) : undefined;
    if (cached) return cached;
    const ofKind = visible.filter((p) => p.broadcast.event === kind);
    const json = JSON.stringify(
      kind === SPEECH
        ? this.speechSummary(ofKind.slice(this.limits.speechCap))
        : this.crowdSummary(kind, ofKind),
    );
    if (excludesNobody) this.sharedSummaries.set(kind, json);
    return json;
  }

  private crowdSummary(kind: string, crowd: readonly Published[]): Broadcast {
    const { event, verb } = CROWDS[kind]!;
    return {
      event,
      count: crowd.length,
      players: this.names(crowd),
      text: `${crowd.length} travellers ${verb}.`,
    };
  }

  private speechSummary(unheard: readonly Published[]): Broadcast {
    const count = unheard.length;
    return {
      event: 'players_said',
      count,
      players: this.names(unheard),
      text: count === 1 ? '…and one other speaks at once.' : `…and ${count} others speak at once.`,
    };
  }

  private names(crowd: readonly Published[]): string[] {
    return crowd.slice(0, this.limits.names).map((p) => String(p.broadcast.player ?? 'someone'));
  }
}
