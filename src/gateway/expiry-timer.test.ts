import { afterEach, describe, expect, it, vi } from 'vitest';
import { atTime, MAX_TIMER_DELAY_MS } from './expiry-timer.ts';

const DAY = 86_400_000;

describe('atTime', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('waits 30 days for a time 30 days away, beyond setTimeout range (which would fire at once)', () => {
    vi.useFakeTimers();
    const expired = vi.fn();
    atTime(Date.now() + 30 * DAY, expired);
    vi.advanceTimersByTime(10);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_TIMER_DELAY_MS);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * DAY - MAX_TIMER_DELAY_MS - 11);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('calls at once for a time already past, and never once cancelled', () => {
    vi.useFakeTimers();
    const past = vi.fn();
    atTime(Date.now() - 1, past);
    expect(past).toHaveBeenCalledTimes(1);
    const cancelled = vi.fn();
    const cancel = atTime(Date.now() + DAY, cancelled);
    cancel();
    vi.advanceTimersByTime(2 * DAY);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
