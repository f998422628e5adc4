import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionPacer } from './connection-pacer.ts';

class FakeSocket {
  resumed = false;
  destroyed = false;
  resume(): void {
    this.resumed = true;
  }
}

describe('ConnectionPacer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function pacer(perSecond: number, burst: number) {
    return new ConnectionPacer(perSecond, burst, () => performance.now());
  }

  it('reads a burst of connections at once and the rest at the rate, in the order they came', () => {
    const paced = pacer(10, 2);
    const sockets = Array.from({ length: 6 }, () => new FakeSocket());
    for (const socket of sockets) paced.admit(socket as unknown as Socket);
    expect(sockets.map((s) => s.resumed)).toEqual([true, true, false, false, false, false]);
    expect(paced.queued).toBe(4);
    vi.advanceTimersByTime(100);
    expect(sockets.map((s) => s.resumed)).toEqual([true, true, true, false, false, false]);
    vi.advanceTimersByTime(300);
    expect(sockets.every((s) => s.resumed)).toBe(true);
    expect(paced.queued).toBe(0);
  });

  it('keeps a newcomer behind those already waiting, skips connections closed while waiting, and lets everyone in when closed', () => {
    const paced = pacer(10, 1);
    const [first, second, third, fourth] = Array.from({ length: 4 }, () => new FakeSocket());
    paced.admit(first as unknown as Socket);
    paced.admit(second as unknown as Socket);
    second!.destroyed = true;
    paced.admit(third as unknown as Socket);
    vi.advanceTimersByTime(100);
    expect([second!.resumed, third!.resumed]).toEqual([false, true]);
    paced.admit(fourth as unknown as Socket);
    expect(fourth!.resumed).toBe(false);
    paced.close();
    expect(fourth!.resumed).toBe(true);
  });
});
