import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ActionThrottle, ThrottleVerdict } from './action-throttle.ts';

export interface ThrottleUnderTest {
  name: string;
  /** A throttle of its own (its buckets are no other's). */
  open(perSecond: number, burst: number): Promise<ActionThrottle>;
  /** Lets `ms` pass for the throttles this subject opened (a fake clock moved, or a real wait). */
  pass(ms: number): Promise<void>;
}

const player = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

async function takeMany(throttle: ActionThrottle, playerId: string, n: number): Promise<ThrottleVerdict[]> {
  // All asked in one turn, as frames arriving together are.
  return Promise.all(Array.from({ length: n }, () => throttle.take(playerId)));
}

const oks = (verdicts: ThrottleVerdict[]) => verdicts.map((verdict) => verdict.ok);

/**
 * The behaviour every ActionThrottle adapter must have. Only counts within one burst are asserted,
 * never how long anything took: a burst is taken in far less than one token's refill time.
 */
export function actionThrottleContract(subject: ThrottleUnderTest): void {
  describe(`ActionThrottle contract: ${subject.name}`, () => {
    it('gives a player the burst at once, then refuses with the wait for the next token', async () => {
      const throttle = await subject.open(4, 4);
      const verdicts = await takeMany(throttle, player('ayla'), 6);
      expect(oks(verdicts)).toEqual([true, true, true, true, false, false]);
      for (const refused of verdicts.slice(4)) {
        if (refused.ok) throw new Error('expected a refusal');
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        expect(refused.retryAfterMs).toBeLessThanOrEqual(250);
      }
    });

    it('keeps each player to a bucket of their own', async () => {
      const throttle = await subject.open(4, 4);
      const ayla = player('ayla');
      const brannoc = player('brannoc');
      expect(oks(await takeMany(throttle, ayla, 5))).toEqual([true, true, true, true, false]);
      expect(oks(await takeMany(throttle, brannoc, 5))).toEqual([true, true, true, true, false]);
    });

    it('uses the burst and rate it was given', async () => {
      const throttle = await subject.open(2, 3);
      const verdicts = await takeMany(throttle, player('cedric'), 4);
      expect(oks(verdicts)).toEqual([true, true, true, false]);
      const refused = verdicts[3]!;
      if (refused.ok) throw new Error('expected a refusal');
      expect(refused.retryAfterMs).toBeGreaterThan(250);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(500);
    });

    it('answers in the order it was asked', async () => {
      const throttle = await subject.open(4, 4);
      const players = [player('ayla'), player('brannoc')];
      const answered: number[] = [];
      await Promise.all(
        Array.from({ length: 10 }, (_, n) => throttle.take(players[n % 2]!).then(() => answered.push(n))),
      );
      expect(answered).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('has a token again once the wait it told has passed', async () => {
      const throttle = await subject.open(4, 4);
      const dorin = player('dorin');
      const verdicts = await takeMany(throttle, dorin, 5);
      const refused = verdicts[4]!;
      if (refused.ok) throw new Error('expected a refusal');
      await subject.pass(refused.retryAfterMs);
      expect(await throttle.take(dorin)).toEqual({ ok: true });
    });
  });
}
