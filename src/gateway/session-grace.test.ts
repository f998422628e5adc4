import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { limits } from '../limits.ts';
import { CloseCode } from './protocol.ts';
import { closeEndsSessionAtOnce, SessionGrace } from './session-grace.ts';

const GRACE_MS = 30_000;

/** The leaves recorded, in order, and a SessionGrace that records them. */
function recordingGrace(options: { failing?: boolean } = {}) {
  const left: string[] = [];
  const grace = new SessionGrace({
    graceMs: GRACE_MS,
    leave: async (playerId, sessionId) => {
      if (options.failing) throw new Error('store down');
      left.push(`${playerId}/${sessionId}`);
    },
  });
  return { grace, left };
}

/** Whether a promise has settled, once the microtasks queued so far have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('SessionGrace', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['the client said goodbye', 1000],
    ['the client closed without a code', 1005],
    ['the token was revoked', CloseCode.revoked],
    ['the token expired or the player is unknown', CloseCode.unauthorized],
    ['one connection too many', CloseCode.tooManyConnections],
  ])('ends the session at once when %s (%i)', async (_why, code) => {
    const { grace, left } = recordingGrace();
    await grace.closed('ayla', 's1', code);
    expect(left).toEqual(['ayla/s1']);
    expect(grace.waitingCount).toBe(0);
  });

  it.each([
    ['the connection was lost', 1006],
    ['the page went away or reloaded', 1001],
    ['the client is reconnecting (an application code)', 4000],
    ['the server failed', 1011],
  ])('keeps the session for the grace period when %s (%i)', async (_why, code) => {
    const { grace, left } = recordingGrace();
    const closed = grace.closed('ayla', 's1', code);
    expect(grace.waitingCount).toBe(1);

    await vi.advanceTimersByTimeAsync(GRACE_MS - 1);
    expect(left).toEqual([]);
    expect(await settled(closed)).toBe(false);

    await vi.advanceTimersByTimeAsync(1);
    await closed;
    expect(left).toEqual(['ayla/s1']);
    expect(grace.waitingCount).toBe(0);
  });

  it('times each session from its own close', async () => {
    const { grace, left } = recordingGrace();
    void grace.closed('ayla', 'first', 1006);
    await vi.advanceTimersByTimeAsync(10_000);
    void grace.closed('bob', 'second', 1006);
    void grace.closed('ayla', 'clean', 1000);
    await vi.advanceTimersByTimeAsync(0);
    expect(left).toEqual(['ayla/clean']);

    await vi.advanceTimersByTimeAsync(GRACE_MS - 10_000);
    expect(left).toEqual(['ayla/clean', 'ayla/first']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(left).toEqual(['ayla/clean', 'ayla/first', 'bob/second']);
  });

  it('uses limits.reconnectGraceMs when given no grace', async () => {
    const left: string[] = [];
    const grace = new SessionGrace({ leave: async (_p, sessionId) => void left.push(sessionId) });
    void grace.closed('ayla', 's1', 1006);
    await vi.advanceTimersByTimeAsync(limits.reconnectGraceMs - 1);
    expect(left).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(left).toEqual(['s1']);
  });

  it('does not keep the process alive for a waiting session', async () => {
    vi.useRealTimers();
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const { grace } = recordingGrace();
    void grace.closed('ayla', 's1', 1006);
    const timer = timers.mock.results[0]?.value as NodeJS.Timeout;
    timers.mockRestore();
    expect(timer.hasRef()).toBe(false);
    await grace.flushAll();
  });

  it('passes a failure to record the end on to whoever waits for it', async () => {
    const { grace } = recordingGrace({ failing: true });
    const lost = grace.closed('ayla', 's1', 1006);
    const failure = expect(lost).rejects.toThrow('store down');
    await vi.advanceTimersByTimeAsync(GRACE_MS);
    await failure;
    await expect(grace.closed('ayla', 's2', 1000)).rejects.toThrow('store down');
  });

  it('on shutdown ends every waiting session at once, and every later close too', async () => {
    const { grace, left } = recordingGrace();
    const first = grace.closed('ayla', 's1', 1006);
    const second = grace.closed('bob', 's2', 1001);
    await vi.advanceTimersByTimeAsync(5_000);

    await grace.flushAll();
    expect(left.sort()).toEqual(['ayla/s1', 'bob/s2']);
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
    expect(grace.waitingCount).toBe(0);

    // The shutdown's own close (1001) is no reason to wait: nobody would be left to end the session.
    await grace.closed('cara', 's3', CloseCode.goingAway);
    expect(left).toContain('cara/s3');

    // The timers were cleared: nothing is recorded twice.
    await vi.advanceTimersByTimeAsync(GRACE_MS);
    expect(left).toHaveLength(3);
  });
});

describe('closeEndsSessionAtOnce', () => {
  it('is true only for the clean and the session-ending codes', () => {
    expect([1000, 1005, 4401, 4403, 4409].every(closeEndsSessionAtOnce)).toBe(true);
    expect([1001, 1006, 1011, 1012, 4000].some(closeEndsSessionAtOnce)).toBe(false);
  });
});
