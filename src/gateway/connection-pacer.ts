import type { Socket } from 'node:net';
import { TokenBucket } from './token-bucket.ts';

/**
 * Paces how fast new TCP connections are read. Each connection costs the event loop its HTTP request,
 * the WebSocket handshake, a rate-limit round trip and a welcome (about half a millisecond here): five
 * thousand players reconnecting at once would hold every player already in the world for seconds.
 * Past the rate, a connection is accepted but not read (its request waits in the kernel) until its
 * turn, in arrival order; nothing is refused and no client sees a difference but the wait.
 * (Node cannot pause the listening socket itself, so the pace is kept per accepted socket.)
 */
export class ConnectionPacer {
  private readonly bucket: TokenBucket;
  private readonly waiting: Socket[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(perSecond: number, burst: number, now: () => number = () => performance.now()) {
    this.bucket = new TokenBucket(perSecond, burst, now);
  }

  /** Called for each new connection, created paused (the server's `pauseOnConnect`): resumes it in turn. */
  admit(socket: Socket): void {
    if (this.head === this.waiting.length && this.bucket.take().ok) {
      socket.resume();
      return;
    }
    this.waiting.push(socket);
    this.schedule(0);
  }

  /** Connections accepted and not yet read. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const socket of this.waiting.splice(this.head)) socket.resume();
    this.waiting.length = 0;
    this.head = 0;
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release();
    }, delayMs);
  }

  private release(): void {
    while (this.head < this.waiting.length) {
      // A client that gave up while waiting costs no turn.
      if (this.waiting[this.head]!.destroyed) {
        this.head++;
        continue;
      }
      const taken = this.bucket.take();
      if (!taken.ok) {
        this.schedule(taken.retryAfterMs);
        return;
      }
      this.waiting[this.head++]!.resume();
    }
    this.waiting.length = 0;
    this.head = 0;
  }
}
