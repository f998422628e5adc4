/** setTimeout's longest delay (2^31-1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * Calls `expired` at `atMs` (epoch milliseconds), however far away: a delay beyond setTimeout's range
 * is waited in steps. Returns a function that cancels it.
 */
export function atTime(atMs: number, expired: () => void, now: () => number = Date.now): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const delay = atMs - now();
    if (delay <= 0) {
      timer = undefined;
      expired();
      return;
    }
    timer = setTimeout(arm, Math.min(delay, MAX_TIMER_DELAY_MS));
    timer.unref?.();
  };
  arm();
  return () => clearTimeout(timer);
}
