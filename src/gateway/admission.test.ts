import { describe, expect, it } from 'vitest';
import { limits } from '../limits.ts';
import { AdmissionControl } from './admission.ts';

function control(delayMs = 0, inFlight: number = limits.admissionMinInFlight, random = 0.5) {
  let now = 0;
  const pressure = { delayMs };
  const admission = new AdmissionControl({
    eventLoopDelayMs: () => pressure.delayMs,
    now: () => now,
    random: () => random,
  });
  // Actions admitted and still unanswered: overload needs a crowd.
  for (let i = 0; i < inFlight; i++) admission.started();
  return { admission, pressure, advance: (ms: number) => (now += ms) };
}

describe('admission control', () => {
  it('takes actions while they are recorded quickly', () => {
    const { admission, advance } = control();
    for (let i = 0; i < 50; i++) {
      expect(admission.admit()).toEqual({ ok: true });
      admission.recorded(i % 2 === 0 ? 5 : limits.admissionQueueTargetMs * 4);
      advance(10);
    }
  });

  it('refuses a share of arrivals, with a jittered retry, while even the fastest action of a window waited past the target, and takes again once one is fast', () => {
    const { admission, advance } = control(0, limits.admissionMinInFlight, 0.1);
    admission.recorded(limits.admissionQueueTargetMs + 20);
    admission.recorded(limits.admissionQueueTargetMs + 5);
    advance(limits.admissionWindowMs);
    expect(admission.admit()).toEqual({
      ok: false,
      reason: 'queue',
      retryAfterMs: Math.round(limits.serverBusyRetryMs * 1.1),
    });
    // Actions admitted before still get recorded; one fast one shows the queue drained.
    admission.recorded(2);
    advance(limits.admissionWindowMs);
    expect(admission.admit()).toEqual({ ok: true });
  });

  it('refuses a larger share window after window while the queue stands, and a smaller one as it drains', () => {
    const { admission, advance } = control(0, limits.admissionMinInFlight, 0.5);
    const shares: boolean[] = [];
    for (let window = 0; window < 4; window++) {
      admission.recorded(limits.admissionQueueTargetMs * 2);
      advance(limits.admissionWindowMs);
      shares.push(admission.admit().ok);
    }
    // 0.2, 0.4, 0.6, 0.8 of arrivals refused: a draw of 0.5 is refused from the third window on.
    expect(shares).toEqual([true, true, false, false]);
    const after: boolean[] = [];
    for (let window = 0; window < 3; window++) {
      admission.recorded(1);
      advance(limits.admissionWindowMs);
      after.push(admission.admit().ok);
    }
    expect(after).toEqual([false, true, true]);
  });

  it('sees a backlog after recording: actions answered without a model that waited past the target', () => {
    const { admission, advance } = control(0, limits.admissionMinInFlight, 0.1);
    admission.recorded(1);
    admission.answered(limits.admissionAnswerTargetMs + 30);
    admission.answered(limits.admissionAnswerTargetMs + 10);
    advance(limits.admissionWindowMs);
    expect(admission.admit()).toMatchObject({ ok: false, reason: 'queue' });
    admission.answered(3);
    advance(limits.admissionWindowMs);
    expect(admission.admit()).toEqual({ ok: true });
  });

  it('forgets a standing queue after a window with nothing recorded', () => {
    const { admission, advance } = control(0, limits.admissionMinInFlight, 0.1);
    admission.recorded(limits.admissionQueueTargetMs * 3);
    advance(limits.admissionWindowMs);
    expect(admission.admit().ok).toBe(false);
    advance(limits.admissionWindowMs);
    expect(admission.admit().ok).toBe(true);
  });

  it('never refuses while only a few actions are in flight, however slow', () => {
    const { admission, advance } = control(limits.maxEventLoopDelayMs * 2, 0);
    for (let i = 0; i < limits.admissionMinInFlight; i++) {
      admission.recorded(limits.admissionQueueTargetMs * 5);
      advance(limits.admissionWindowMs);
      expect(admission.admit()).toEqual({ ok: true });
      admission.started();
    }
    admission.recorded(limits.admissionQueueTargetMs * 5);
    advance(limits.admissionWindowMs);
    expect(admission.admit().ok).toBe(false);
    admission.settled();
    expect(admission.admit()).toEqual({ ok: true });
  });

  it('counts a crowd by arrivals too: a saturated loop reads frames late and few are in flight', () => {
    let now = 0;
    const admission = new AdmissionControl({
      eventLoopDelayMs: () => limits.maxEventLoopDelayMs * 2,
      now: () => now,
      random: () => 0,
    });
    for (let window = 0; window < 3; window++) {
      for (let i = 0; i < limits.admissionMinInFlight; i++) {
        const admitted = admission.admit();
        if (admitted.ok) admission.started();
        admission.settled();
      }
      now += limits.admissionWindowMs;
    }
    expect(admission.admit()).toMatchObject({ ok: false, reason: 'event_loop' });
  });

  it('sheds a share of arrivals that grows while the loop stays saturated, and shrinks after', () => {
    const { admission, pressure, advance } = control(
      limits.maxEventLoopDelayMs * 2,
      limits.admissionMinInFlight,
      0.45,
    );
    const nextWindow = () => {
      advance(limits.admissionWindowMs);
      return admission.admit().ok;
    };
    // The share grows by 10 % a window once the loop lagged two windows running: 0, 10, 20, 30, 40 %
    // let an arrival drawn at 0.45 through; 50 % sheds it.
    expect([1, 2, 3, 4, 5].map(nextWindow)).toEqual([true, true, true, true, true]);
    expect(nextWindow()).toBe(false);
    pressure.delayMs = 0;
    expect(nextWindow()).toBe(true); // one calm window: 50 % − 20 % = 30 %
  });

  it('refuses while the event loop lags window after window, not for one slow window', () => {
    const { admission, pressure, advance } = control(
      limits.maxEventLoopDelayMs * 2,
      limits.admissionMinInFlight,
      0,
    );
    advance(limits.admissionWindowMs);
    expect(admission.admit()).toEqual({ ok: true });
    advance(limits.admissionWindowMs);
    expect(admission.admit()).toMatchObject({ ok: false, reason: 'event_loop' });
    pressure.delayMs = 1;
    advance(limits.admissionWindowMs);
    expect(admission.admit()).toEqual({ ok: true });
  });
});
