import { describe, expect, it } from 'vitest';
import { type ActionRequest, ActionRequests, type Requested } from '../commands/action-requests.ts';
import { DomainError } from '../domain/decider.ts';
import { createMetrics } from '../infrastructure/metrics.ts';
import { ActionDesk } from './action-desk.ts';

const outcome = {
  result: { action_type: 'look', narration: 'You look.' },
  source: 'rules' as const,
  position: 7n,
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests that complete when the test says so (or honour the signal, as a queued append does). */
function controlledRequests() {
  const calls: { request: ActionRequest; complete: (r: Requested) => void; fail: (e: unknown) => void }[] =
    [];
  const requests = {
    request: (_playerId: string, request: ActionRequest) =>
      new Promise<Requested>((complete, fail) => calls.push({ request, complete, fail })),
  } as unknown as ActionRequests;
  return { requests, calls };
}

function deskWith(requests: ActionRequests, mayWaitForModel?: (actionType: string) => boolean) {
  const sent: Record<string, unknown>[] = [];
  const answered: number[] = [];
  const metrics = createMetrics();
  const desk = new ActionDesk({
    requests,
    metrics,
    log: { error: () => {} },
    budgetMs: 300,
    appendTimeoutMs: 100,
    answered: (waitedMs) => answered.push(waitedMs),
    ...(mayWaitForModel ? { mayWaitForModel } : {}),
  });
  const accept = (frameId: string) =>
    desk.accept({
      playerId: 'p1',
      owner: sent,
      reply: (message) => sent.push(message),
      frameId,
      action: { action_type: 'look' },
      at: new Date(),
      arrivedAt: performance.now(),
      ready: Promise.resolve(true),
    });
  const actionsCounted = async () =>
    ((await metrics.actions.get()).values as { value: number }[]).reduce((sum, v) => sum + v.value, 0);
  return { desk, sent, accept, answered, actionsCounted };
}

describe('ActionDesk', () => {
  it('says recorded:null at the deadline when the store has not answered, and still delivers a late outcome', async () => {
    const { requests, calls } = controlledRequests();
    const { desk, sent, accept } = deskWith(requests);
    accept('f1');
    await pause(350);
    expect(sent).toEqual([expect.objectContaining({ id: 'f1', code: 'action_timeout', recorded: null })]);
    expect(calls[0]!.request.signal?.aborted).toBe(true);
    const actionId = 'a1';
    calls[0]!.complete({ actionId, status: 'recorded' });
    await pause(0);
    desk.resolved(actionId, outcome);
    expect(sent[1]).toMatchObject({ type: 'action_result', id: 'f1', late: true, result: outcome.result });
  });

  it('hands an outcome that arrives before the request returns to the frame once it does', async () => {
    const { requests, calls } = controlledRequests();
    const { desk, sent, accept } = deskWith(requests);
    accept('f2');
    await pause(0);
    const { request } = calls[0]!;
    expect(request.frameId).toBe('f2');
    // The desk knows the action id in advance (derived from the player and the frame id).
    const actionId = ActionRequests.actionId('p1', 'f2');
    desk.resolved(actionId, outcome);
    expect(sent).toEqual([]);
    calls[0]!.complete({ actionId, status: 'recorded' });
    await pause(0);
    expect(sent).toEqual([expect.objectContaining({ type: 'action_result', id: 'f2' })]);
    expect(sent[0]!.replayed).toBeUndefined();
    await pause(350);
    expect(sent).toHaveLength(1);
  });

  it('answers a refused request with its code, once', async () => {
    const { requests, calls } = controlledRequests();
    const { sent, accept } = deskWith(requests);
    accept('f3');
    await pause(0);
    calls[0]!.fail(new DomainError('id_reused', 'another action'));
    await pause(350);
    expect(sent).toEqual([expect.objectContaining({ type: 'error', id: 'f3', code: 'id_reused' })]);
  });

  it('reports to the admission control only answers that waited for no model and no earlier action of the player', async () => {
    const { requests, calls } = controlledRequests();
    const { desk, accept, answered } = deskWith(requests);
    accept('g1');
    accept('g2');
    await pause(0);
    const first = ActionRequests.actionId('p1', 'g1');
    calls[0]!.complete({ actionId: first, status: 'recorded' });
    await pause(0);
    const second = ActionRequests.actionId('p1', 'g2');
    calls[1]!.complete({ actionId: second, status: 'recorded' });
    await pause(0);
    desk.resolved(first, outcome);
    desk.resolved(second, outcome);
    // g2 arrived while g1 was unanswered: its wait was partly g1's, not the server's backlog.
    expect(answered).toHaveLength(1);
    /** A frame alone in flight, recorded, then answered from `source`. */
    const answerAlone = async (frameId: string, source: 'llm' | 'template') => {
      accept(frameId);
      await pause(0);
      const actionId = ActionRequests.actionId('p1', frameId);
      calls.at(-1)!.complete({ actionId, status: 'recorded' });
      await pause(0);
      desk.resolved(actionId, { ...outcome, source });
    };
    await answerAlone('g3', 'llm');
    expect(answered).toHaveLength(1);
    await answerAlone('g4', 'template');
    expect(answered).toHaveLength(2);
  });

  it('with lanes, reports no answer to an action that may have waited for a model, whatever its source', async () => {
    // Given a world lane that answers looks (a template comes after up to 3 s in its queue)
    const { requests, calls } = controlledRequests();
    const { desk, accept, answered } = deskWith(requests, (type) => type === 'look');
    // When a look, alone in flight, is answered by a template
    accept('t1');
    await pause(0);
    const actionId = ActionRequests.actionId('p1', 't1');
    calls[0]!.complete({ actionId, status: 'recorded' });
    await pause(0);
    desk.resolved(actionId, { ...outcome, source: 'template' });
    // Then the admission control does not take its wait for the server's backlog
    expect(answered).toEqual([]);
  });

  it('counts an action whose socket closed before its outcome, once the outcome comes (langomni_actions_total)', async () => {
    const { requests, calls } = controlledRequests();
    const { desk, sent, accept, actionsCounted } = deskWith(requests);
    accept('h1');
    accept('h2');
    await pause(0);
    const waiting = ActionRequests.actionId('p1', 'h1');
    calls[0]!.complete({ actionId: waiting, status: 'recorded' });
    await pause(0);
    desk.drop(sent); // h1 recorded and waiting for its outcome; h2 still being recorded
    const requesting = ActionRequests.actionId('p1', 'h2');
    calls[1]!.complete({ actionId: requesting, status: 'recorded' });
    await pause(0);
    expect(await actionsCounted()).toBe(0);
    desk.resolved(waiting, outcome);
    desk.resolved(requesting, outcome);
    desk.resolved(waiting, outcome);
    expect(await actionsCounted()).toBe(2);
    expect(sent).toEqual([]);
  });

  it('does not count a repeat of an action again when its socket closes first', async () => {
    const { requests, calls } = controlledRequests();
    const { desk, sent, accept, actionsCounted } = deskWith(requests);
    accept('r1');
    await pause(0);
    const actionId = ActionRequests.actionId('p1', 'r1');
    calls[0]!.complete({ actionId, status: 'pending' });
    await pause(0);
    desk.drop(sent);
    desk.resolved(actionId, outcome);
    expect(await actionsCounted()).toBe(0);
  });
});
