import {
  type AllFilter,
  matchesFilter,
  type Position,
  type StoredEvent,
  type Subscription,
} from './event-store.ts';

export interface TailSource {
  /** Events strictly after `after`, in position order, at most `limit`. */
  readPage(after: Position, limit: number, filter?: AllFilter): Promise<StoredEvent[]>;
  headPosition(): Promise<Position>;
  pageSize: number;
  /** How often the tail looks for events appended by other processes. */
  pollIntervalMs: number;
}

/** Recent events kept for subscribers that attach a little behind the tail. */
const RING_SIZE = 20_000;
/** A subscriber this far behind the tail is detached and reads the store on its own until it catches up. */
const MAX_SUBSCRIBER_QUEUE = 50_000;

/**
 * One reader of the log per process, shared by every live subscriber: the game's consumers (lanes,
 * outcome feed, presence, read models…) would otherwise each run their own query after every append.
 *
 * Positions are dense and handed out in commit order (migration 0004), so when this process's own
 * append commits at exactly the next position, its events go to the subscribers straight from memory,
 * without a read. Anything else (appends of other processes, found by polling, or a local commit
 * that left a gap) is read once from the store for everyone.
 *
 * A subscriber first catches up by reading the store itself, then attaches to the tail; one that
 * falls too far behind is detached and catches up again on its own, so a slow consumer never holds
 * back the others or grows memory without bound.
 */
export class LiveTail {
  private position: Position | undefined;
  private initializing: Promise<void> | undefined;
  private readonly ring: StoredEvent[] = [];
  private ringStart = 0;
  /** Every event after this position is in the ring (or the ring is empty and it equals `position`). */
  private ringFloor: Position = -1n;
  private readonly subscribers = new Set<TailSubscriber>();
  private readonly localBacklog: StoredEvent[][] = [];
  private pulling = false;
  private pullAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly source: TailSource) {}

  /** The last position delivered to attached subscribers (undefined before the first subscriber). */
  get deliveredPosition(): Position | undefined {
    return this.position;
  }

  /** This process's own append committed: hand its events over, or read if it left a gap. */
  committed(events: readonly StoredEvent[]): void {
    if (this.position === undefined || events.length === 0 || this.closed) return;
    if (this.pulling) {
      this.localBacklog.push([...events]);
      return;
    }
    this.takeLocal(events);
  }

  subscribe(start: () => Promise<Position>, filter?: AllFilter): Subscription {
    return new TailSubscriber(this, this.source, start, filter);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    for (const subscriber of [...this.subscribers]) void subscriber.close();
  }

  /** @internal */
  async ready(): Promise<void> {
    if (this.position !== undefined) return;
    this.initializing ??= this.source.headPosition().then((head) => {
      this.position ??= head;
      this.ringFloor = this.position;
    });
    await this.initializing;
  }

  /** @internal Attaches a subscriber that has read everything up to `checked`; false if the ring does not reach back that far. */
  attach(subscriber: TailSubscriber, checked: Position): boolean {
    if (this.closed || checked < this.ringFloor) return false;
    for (let index = this.ringStart; index < this.ring.length; index++) {
      const event = this.ring[index]!;
      if (event.position > checked) subscriber.offer(event);
    }
    this.subscribers.add(subscriber);
    this.timer ??= setInterval(() => this.pull(), this.source.pollIntervalMs);
    return true;
  }

  /** @internal */
  detach(subscriber: TailSubscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private takeLocal(events: readonly StoredEvent[]): void {
    const position = this.position!;
    const fresh = events.filter((event) => event.position > position);
    if (fresh.length === 0) return;
    if (fresh[0]!.position === position + 1n) this.deliver(fresh);
    else this.pull();
  }

  /** Reads what the tail has not seen yet, for all subscribers at once. */
  private pull(): void {
    if (this.closed || this.position === undefined) return;
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    this.pulling = true;
    void (async () => {
      try {
        do {
          this.pullAgain = false;
          for (;;) {
            const page = await this.source.readPage(this.position!, this.source.pageSize);
            this.deliver(page);
            if (page.length < this.source.pageSize) break;
          }
        } while (this.pullAgain && !this.closed);
      } catch {
        // The store is unreachable: the next poll tries again; subscribers simply wait.
      } finally {
        this.pulling = false;
        const backlog = this.localBacklog.splice(0);
        for (const events of backlog) this.takeLocal(events);
      }
    })();
  }

  private deliver(events: readonly StoredEvent[]): void {
    for (const event of events) {
      if (event.position <= this.position!) continue;
      this.position = event.position;
      this.ring.push(event);
      if (this.ring.length - this.ringStart > RING_SIZE) {
        this.ringFloor = this.ring[this.ringStart]!.position;
        this.ringStart++;
        if (this.ringStart > RING_SIZE) {
          this.ring.splice(0, this.ringStart);
          this.ringStart = 0;
        }
      }
      for (const subscriber of this.subscribers) subscriber.offer(event);
    }
  }
}

/** A catch-up subscription: reads the store until it reaches the tail, then takes events from it. */
class TailSubscriber implements Subscription {
  private checked: Position = -1n;
  private queue: StoredEvent[] = [];
  private queueStart = 0;
  private attached = false;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly tail: LiveTail,
    private readonly source: TailSource,
    private readonly start: () => Promise<Position>,
    private readonly filter: AllFilter | undefined,
  ) {}

  /** Called by the tail, in position order. */
  offer(event: StoredEvent): void {
    if (event.position <= this.checked) return;
    if (this.queue.length - this.queueStart >= MAX_SUBSCRIBER_QUEUE) {
      this.attached = false;
      this.tail.detach(this);
      this.notify();
      return;
    }
    this.checked = event.position;
    if (matchesFilter(event, this.filter)) {
      this.queue.push(event);
      this.notify();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.tail.detach(this);
    this.notify();
  }

  [Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    const inner = this.iterate();
    return {
      next: () => inner.next(),
      return: async (value?: unknown) => {
        await this.close();
        return inner.return(value as undefined);
      },
    };
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async *iterate(): AsyncGenerator<StoredEvent> {
    this.checked = await this.start();
    await this.tail.ready();
    while (!this.closed) {
      if (this.queueStart < this.queue.length) {
        const event = this.queue[this.queueStart++]!;
        if (this.queueStart > 1024 && this.queueStart * 2 > this.queue.length) {
          this.queue = this.queue.slice(this.queueStart);
          this.queueStart = 0;
        }
        yield event;
        continue;
      }
      if (this.attached) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        continue;
      }
      // Catching up on our own. What the tail had delivered before the read is certainly in the read.
      const seenByTail = this.tail.deliveredPosition ?? -1n;
      const page = await this.source.readPage(this.checked, this.source.pageSize, this.filter);
      for (const event of page) {
        if (this.closed) return;
        if (event.position <= this.checked) continue;
        this.checked = event.position;
        yield event;
      }
      if (page.length < this.source.pageSize && !this.closed) {
        if (seenByTail > this.checked) this.checked = seenByTail;
        this.attached = this.tail.attach(this, this.checked);
      }
    }
  }
}
