import { limits } from '../limits.ts';
import { Batch, CROWDS, type Frame, type Published, type SummaryLimits } from './broadcast-batch.ts';
import type { Broadcast } from './outcome-feed.ts';

/** What the hub needs of a WebSocket (ws's WebSocket has it). */
export interface HubSocket {
  readonly readyState: number;
  readonly OPEN: number;
  /**
   * Sends `data` (UTF-8 JSON, encoded once for all recipients) as a text frame, never compressed:
   * permessage-deflate would deflate the one buffer again for every recipient (~8× the CPU of the
   * send itself, bench/ws-compression.ts).
   */
  send(data: Buffer, options: { binary: false; compress: false }): void;
  /**
   * Which news the connection takes: 'waiting' (none: it has not started its stream; what it misses
   * meanwhile is replayed to it), or only events after this position (earlier ones were replayed).
   * Absent: everything.
   */
  readonly liveAfter?: bigint | 'waiting';
}

/**
 * Frames a flush sends before it lets the event loop read sockets again: a tick's fan-out to
 * thousands of players is tens of milliseconds of system calls, during which no action frame would
 * be read (nor refused at once when the server is busy).
 */
const SENDS_PER_TURN = 256;
const AS_TEXT = { binary: false, compress: false } as const;

export interface BroadcastHubOptions {
  /** The players online at a location, read when a tick is flushed. */
  recipientsAt(locationId: string): Iterable<string>;
  socketsOf(playerId: string): Iterable<HubSocket> | undefined;
  /** Told after every flush how many frames and events (counted per frame) went out. */
  sent?(frames: number, events: number): void;
  onError?(error: unknown): void;
  tickMs?: number;
  /** The tick while the process is busy. */
  busyTickMs?: number;
  /** Whether the process is busy now (read as each tick starts). */
  busy?: () => boolean;
  crowdThreshold?: number;
  speechCap?: number;
  summaryNames?: number;
}

/**
 * Gathers what happens at each location and sends it once per tick: every recipient gets one
 * `{"type":"events","events":[…]}` frame per location and tick. Each event is serialised once;
 * everyone who caused none of the events shares one frame string, and a player whose own event is
 * in the batch gets the batch without it. Crowds (many arrivals, departures, appearances, fadings
 * or voices at once) are summarised, so a frame's size does not grow with the crowd.
 */
export class BroadcastHub {
  private pending = new Map<string, Published[]>();
  /** What single players alone are to be told (whispers), by player. */
  private pendingPrivate = new Map<string, Published[]>();
  /** When each crowded location last had presence news sent (see `deferCrowdNews`). */
  private readonly crowdNewsSentAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Frames due, in order, sent SENDS_PER_TURN per turn of the event loop. */
  private outbox: { socket: HubSocket; frame: Frame }[] = [];
  private outboxHead = 0;
  private draining = false;
  private readonly tickMs: () => number;
  private readonly busy: () => boolean;
  private readonly summaries: SummaryLimits;

  constructor(private readonly options: BroadcastHubOptions) {
    const tickMs = options.tickMs ?? limits.broadcastTickMs;
    const busyTickMs = options.busyTickMs ?? limits.broadcastBusyTickMs;
    this.busy = options.busy ?? (() => false);
    this.tickMs = () => (this.busy() ? busyTickMs : tickMs);
    this.summaries = {
      threshold: options.crowdThreshold ?? limits.broadcastCrowdThreshold,
      speechCap: options.speechCap ?? limits.broadcastSpeechCap,
      names: options.summaryNames ?? limits.broadcastSummaryNames,
    };
  }

  /** Queues a broadcast for the players at a location (except the one who caused it) until the tick ends. */
  publish(locationId: string, broadcast: Broadcast, exceptPlayerId?: string, position?: bigint): void {
    if (this.closed) return;
    let queue = this.pending.get(locationId);
    if (!queue) {
      queue = [];
      this.pending.set(locationId, queue);
    }
    queue.push({ broadcast, actor: exceptPlayerId, ...(position === undefined ? {} : { position }) });
    this.tickSoon();
  }

  /**
   * Queues a broadcast for one player alone (a whisper) until the tick ends: sent to that player's
   * connections only, in a frame of its own, whoever else stands where they are.
   */
  tell(playerId: string, broadcast: Broadcast, position?: bigint): void {
    if (this.closed) return;
    const queue = this.pendingPrivate.get(playerId) ?? [];
    this.pendingPrivate.set(playerId, queue);
    queue.push({ broadcast, actor: undefined, ...(position === undefined ? {} : { position }) });
    this.tickSoon();
  }

  /** The tick runs only while there is something to send: an idle hub costs nothing. */
  private tickSoon(): void {
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
    const told = this.pendingPrivate;
    this.pendingPrivate = new Map();
    for (const [playerId, queue] of told) {
      try {
        const sent = this.sendTo(playerId, queue, new Batch(queue, this.summaries).frameFor(playerId));
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
   * with what follows) until a second has passed; speech and combat go every tick, unless the process
   * is busy: then a crowded place hears everything once a second (speech beyond a few voices is
   * summarised), since its frames grow with the square of the crowd and would starve everyone's actions.
   */
  private deferCrowdNews(locationId: string, queue: Published[], now: number): boolean {
    const recipients = this.options.recipientsAt(locationId) as Iterable<string> & { size?: number };
    if ((recipients.size ?? 0) < limits.broadcastCrowdRecipients) return false;
    if (!this.busy() && !queue.every((published) => published.broadcast.event in CROWDS)) return false;
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
    this.pendingPrivate.clear();
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
      const sent = this.sendTo(playerId, queue, frame, sockets);
      frames += sent.frames;
      events += sent.events;
    }
    return { frames, events };
  }

  /** Queues `frame` (built from `queue`) for each live connection of the player. */
  private sendTo(
    playerId: string,
    queue: readonly Published[],
    frame: Frame | null,
    sockets = this.options.socketsOf(playerId),
  ): { frames: number; events: number } {
    let frames = 0;
    let events = 0;
    if (!frame || !sockets) return { frames, events };
    const earliest = queue[0]?.position;
    for (const socket of sockets) {
      if (socket.readyState !== socket.OPEN || socket.liveAfter === 'waiting') continue;
      const own =
        socket.liveAfter !== undefined && earliest !== undefined && earliest <= socket.liveAfter
          ? this.laterThan(socket.liveAfter, queue, playerId)
          : frame;
      if (!own) continue;
      this.outbox.push({ socket, frame: own });
      frames += 1;
      events += own.events;
    }
    return { frames, events };
  }

  /**
   * The frame of a connection whose stream starts inside this tick (its replay went up to `after`):
   * rare (a tick as a client resumes), so built apart rather than complicating the shared frames.
   */
  private laterThan(after: bigint, queue: readonly Published[], playerId: string): Frame | null {
    const later = queue.filter((published) => published.position === undefined || published.position > after);
    return later.length === 0 ? null : new Batch(later, this.summaries).frameFor(playerId);
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
