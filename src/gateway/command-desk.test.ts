import { describe, expect, it } from 'vitest';
import { ParserInterpreter } from '../domain/parser/command-interpreter.ts';
import { EMPTY_SCENE } from '../domain/parser/scene-names.ts';
import { createMetrics } from '../infrastructure/metrics.ts';
import type { ActionArrival } from './action-desk.ts';
import { CommandDesk } from './command-desk.ts';

type Message = Record<string, unknown>;

/** Given a desk that takes frames and is answered by hand, when a command arrives, then… */
function given() {
  const taken: ActionArrival[] = [];
  const sent: Message[] = [];
  const socket = {};
  const metrics = createMetrics();
  const commands = new CommandDesk({
    desk: { accept: (arrival) => taken.push(arrival) },
    interpreter: new ParserInterpreter(5),
    sceneNames: async () => EMPTY_SCENE,
    clock: () => new Date('2026-01-01T12:00:00Z'),
    metrics,
    log: { error: () => {} },
  });
  const arrival = (frameId: string) => ({
    playerId: 'p1',
    owner: socket,
    reply: (message: Message) => sent.push(message),
    frameId,
    at: new Date('2026-01-01T12:00:00Z'),
    arrivedAt: performance.now(),
    ready: Promise.resolve(true),
  });
  let position = 100;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    metrics,
    taken,
    sent,
    socket,
    commands,
    command: (text: string, id = 'c1') => commands.acceptCommand({ ...arrival(id), text }),
    action: (id: string, action: ActionArrival['action'] = { action_type: 'look' }) =>
      commands.acceptAction({ ...arrival(id), action }),
    /** The desk answers the n-th frame it took. */
    answer: async (index: number, result: Message, extra: Message = {}) => {
      await settle();
      const step = taken[index]!;
      step.reply({
        type: 'action_result',
        id: step.frameId,
        result,
        source: 'rules',
        position: String(++position),
        ...extra,
      });
      await settle();
    },
    fail: async (index: number, error: Message) => {
      await settle();
      const step = taken[index]!;
      step.reply({ type: 'error', id: step.frameId, ...error });
      await settle();
    },
    settle,
  };
}

const counted = async (metrics: ReturnType<typeof createMetrics>) =>
  Object.fromEntries(
    (await metrics.commands.get()).values.map((v) => [
      `${v.labels.interpreted_by}:${v.labels.outcome}`,
      v.value,
    ]),
  );

const moved = (direction: string) => ({
  action_type: 'move',
  moved: true,
  direction,
  narration: `You head ${direction}.`,
});

describe('a command at the desk', () => {
  it('takes its actions one after another, each once the one before is answered, under derived ids', async () => {
    const desk = given();
    desk.command('n then e');
    await desk.settle();
    expect(desk.taken.map((step) => step.frameId)).toEqual(['c1.1']);
    await desk.answer(0, moved('north'));
    expect(desk.taken.map((step) => step.frameId)).toEqual(['c1.1', 'c1.2']);
    expect(desk.taken[1]!.action).toEqual({ action_type: 'move', direction: 'east' });
    await desk.answer(1, moved('east'));
    expect(desk.sent).toHaveLength(1);
    expect(desk.sent[0]).toMatchObject({
      type: 'action_result',
      id: 'c1',
      position: '102',
      source: 'rules',
      result: {
        action_type: 'command',
        steps: [
          { action_type: 'move', direction: 'north', position: '101' },
          { action_type: 'move', direction: 'east', position: '102' },
        ],
        narration: 'You head north.\n\nYou head east.',
      },
    });
    expect(await counted(desk.metrics)).toEqual({ 'parser:done': 1 });
  });

  it('stops at the first refusal', async () => {
    const desk = given();
    desk.command('n, take lamp, e');
    await desk.answer(0, moved('north'));
    await desk.answer(1, { action_type: 'take', refused: true, narration: 'There is no lamp here.' });
    await desk.settle();
    expect(desk.taken).toHaveLength(2);
    expect(desk.sent[0]).toMatchObject({ result: { not_done: ['go east'] } });
    expect(await counted(desk.metrics)).toEqual({ 'parser:stopped': 1 });
  });

  it('answers an error of its first action as the command, and one later as where it stopped', async () => {
    const first = given();
    first.command('n, e');
    await first.fail(0, { code: 'too_many_pending_actions', message: 'wait' });
    expect(first.sent).toEqual([
      {
        type: 'error',
        id: 'c1',
        code: 'too_many_pending_actions',
        message: 'wait',
        actions: expect.any(Array),
      },
    ]);
    const later = given();
    later.command('n, e');
    await later.answer(0, moved('north'));
    await later.fail(1, { code: 'action_timeout', message: 'no outcome within 5 s', recorded: true });
    expect(later.sent[0]).toMatchObject({
      id: 'c1',
      result: { steps: [{ direction: 'north' }], stopped: { code: 'action_timeout' } },
    });
    // The outcome that follows the timeout goes out under the step's own id.
    await later.answer(1, moved('east'), { late: true });
    expect(later.sent[1]).toMatchObject({ type: 'action_result', id: 'c1.2', late: true });
  });

  it('holds the player’s later frames until the command is done: actions are taken in the order sent', async () => {
    const desk = given();
    desk.command('n, e');
    desk.action('a1');
    await desk.settle();
    expect(desk.taken.map((step) => step.frameId)).toEqual(['c1.1']);
    await desk.answer(0, moved('north'));
    await desk.answer(1, moved('east'));
    expect(desk.taken.map((step) => step.frameId)).toEqual(['c1.1', 'c1.2', 'a1']);
    // With no command running, an action goes to the desk at once.
    desk.action('a2');
    expect(desk.taken.at(-1)!.frameId).toBe('a2');
  });

  it('takes no further action once its socket is gone', async () => {
    const desk = given();
    desk.command('n, e');
    await desk.settle();
    desk.commands.drop(desk.socket);
    await desk.answer(0, moved('north'));
    expect(desk.taken).toHaveLength(1);
    expect(desk.sent).toEqual([]);
  });

  it('answers text it cannot read with not_understood and suggestions, taking nothing', async () => {
    const desk = given();
    desk.command('tkae lamp');
    await desk.settle();
    expect(desk.taken).toEqual([]);
    expect(desk.sent).toEqual([
      {
        type: 'error',
        id: 'c1',
        code: 'not_understood',
        message: 'I don\'t understand "tkae lamp". Did you mean "take lamp"?',
        suggestions: ['take lamp'],
      },
    ]);
    expect(await counted(desk.metrics)).toEqual({ 'parser:not_understood': 1 });
  });

  it('reads "it" as the thing the player last named, in an action or a command before', async () => {
    const desk = given();
    desk.action('a1', { action_type: 'take', item: 'leather jerkin' });
    desk.command('wear it', 'c1');
    await desk.settle();
    expect(desk.taken.map((arrival) => arrival.action)).toEqual([
      { action_type: 'take', item: 'leather jerkin' },
      { action_type: 'equip', item: 'leather jerkin' },
    ]);
    await desk.answer(1, { action_type: 'equip', narration: 'You put on the leather jerkin.' });
    desk.command('x lantern', 'c2');
    await desk.settle();
    await desk.answer(2, { action_type: 'examine', narration: 'A lantern.' });
    desk.command('take it', 'c3');
    await desk.settle();
    expect(desk.taken.at(-1)!.action).toEqual({ action_type: 'take', item: 'lantern' });
  });

  it('repeats the player’s last command on "again" or "g", and their last action, saying what it repeats', async () => {
    const desk = given();
    desk.command('g', 'c0');
    await desk.settle();
    expect(desk.taken).toEqual([]);
    expect(desk.sent[0]).toMatchObject({
      type: 'error',
      code: 'not_understood',
      suggestions: ['look', 'help'],
    });
    desk.command('take lamp', 'c1');
    await desk.answer(0, { action_type: 'take', narration: 'You pick up the lamp.' });
    desk.command('again', 'c2');
    await desk.answer(1, { action_type: 'take', narration: 'You already have it.' });
    expect(desk.taken.map((step) => [step.frameId, step.action])).toEqual([
      ['c1.1', { action_type: 'take', item: 'lamp' }],
      ['c2.1', { action_type: 'take', item: 'lamp' }],
    ]);
    expect(desk.sent.at(-1)).toMatchObject({
      id: 'c2',
      result: {
        text: 'again',
        corrections: ['again: take lamp'],
        narration: '(again: take lamp)\n\nYou already have it.',
      },
    });
    desk.action('a1', { action_type: 'attack', target: 'grey wolf' });
    desk.command('g', 'c3');
    await desk.settle();
    expect(desk.taken.at(-1)).toMatchObject({
      frameId: 'c3.1',
      action: { action_type: 'attack', target: 'grey wolf' },
    });
  });
});
