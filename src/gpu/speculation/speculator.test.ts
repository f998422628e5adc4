import { describe, expect, it } from 'vitest';
import type { Action } from '../../domain/actions.ts';
import type { Effect } from '../../domain/player/player.ts';
import { createMetrics } from '../../infrastructure/metrics.ts';
import type { ActionContext } from '../lane.ts';
import { AT, actionContext } from '../prompts/testing/context.ts';
import { type PrefetchOutcome, Speculator } from './speculator.ts';
import { recordingLogger } from './testing/recording-logger.ts';

/** What the player did: a context at `from`, and the effects of its outcome. */
function resolved(action: Action, from: string, effects: Effect[] = []) {
  const context = actionContext({ action, locationId: from });
  return [
    context,
    { effects, result: { action_type: action.action_type, narration: '' }, source: 'llm' as const },
  ] as const;
}
const moveNorthToHut = () =>
  resolved({ action_type: 'move', direction: 'north' }, 'square', [{ kind: 'move', to: 'hut' }]);
const lookInSquare = () => resolved({ action_type: 'look' }, 'square');

const asked = (context: ActionContext) =>
  context.action.action_type === 'talk'
    ? `greeting:${context.action.npc}@${context.location.id}`
    : `description:${context.location.id}`;

/** A speculator over a scripted prefetch: each call answers what `answer` says, when it says. */
function speculator(
  answer: (context: ActionContext) => PrefetchOutcome | Promise<PrefetchOutcome> = () => 'generated',
  options: {
    maxRunning?: number;
    contextFails?: boolean;
    idleSlots?: (lane: 'world' | 'npc') => number;
  } = {},
) {
  const calls: string[] = [];
  const scenesRead: string[] = [];
  const { logger, lines, aboveDebug } = recordingLogger();
  const metrics = createMetrics();
  const subject = new Speculator({
    world: () => actionContext({ action: { action_type: 'look' } }).world,
    contextFor: async (locationId, action) => {
      scenesRead.push(locationId);
      if (options.contextFails) throw new Error('the store is down');
      return actionContext({ action, locationId, player: { playerId: 'speculation-stand-in' } });
    },
    prefetch: async (context) => {
      calls.push(asked(context));
      return answer(context);
    },
    logger,
    metrics,
    now: () => AT,
    ...(options.maxRunning ? { maxRunning: options.maxRunning } : {}),
    ...(options.idleSlots ? { idleSlots: options.idleSlots } : {}),
  });
  const counted = async () =>
    Object.fromEntries(
      (await metrics.speculations.get()).values.map((v) => [`${v.labels.kind}:${v.labels.outcome}`, v.value]),
    );
  return { subject, calls, scenesRead, lines, aboveDebug, counted };
}

describe('the speculator', () => {
  it('asks for the arrival greeting and the places around, most likely first, without holding up the player', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { subject, calls, counted } = speculator(
      async () => {
        await gate;
        return 'generated' as const;
      },
      { maxRunning: 1 },
    );
    // When the player walks into the hut: afterResolved returns while the speculation is still under way
    subject.afterResolved(...moveNorthToHut());
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['greeting:Elder Zorathian@hut']);
    release();
    await subject.settled();
    expect(calls).toEqual(['greeting:Elder Zorathian@hut', 'description:square']);
    expect(await counted()).toEqual({ 'greeting:generated': 1, 'description:generated': 1 });
  });

  it('stops asking a lane once it has skipped one (no idle slot there), and goes on with the other lane', async () => {
    // Given a world lane with no idle slot: the square's neighbours are both on it
    const { subject, calls, counted } = speculator(() => 'skipped', { maxRunning: 1 });
    subject.afterResolved(...lookInSquare());
    await subject.settled();
    expect(calls).toEqual(['description:hut']);
    expect(await counted()).toEqual({ 'description:skipped': 1 });

    // Given an NPC lane that is busy but a world lane that is not
    const mixed = speculator((context) => (context.action.action_type === 'talk' ? 'skipped' : 'generated'));
    mixed.subject.afterResolved(...moveNorthToHut());
    await mixed.subject.settled();
    expect(mixed.calls.sort()).toEqual(['description:square', 'greeting:Elder Zorathian@hut']);
  });

  it('skips a lane with no idle slot before reading any scene for it', async () => {
    // Given a world lane with every slot taken and an NPC lane with one idle
    const { subject, calls, scenesRead, counted } = speculator(() => 'generated', {
      idleSlots: (lane) => (lane === 'world' ? 0 : 1),
    });
    subject.afterResolved(...moveNorthToHut());
    await subject.settled();
    // Then only the greeting was asked; the square's scene was not even read
    expect(calls).toEqual(['greeting:Elder Zorathian@hut']);
    expect(scenesRead).toEqual(['hut']);
    expect(await counted()).toEqual({ 'greeting:generated': 1, 'description:skipped': 1 });
  });

  it('does not ask again within a minute for what it asked, but asks again for what was skipped', async () => {
    let busy = true;
    const { subject, calls } = speculator(() => (busy ? 'skipped' : 'cached'), { maxRunning: 1 });
    subject.afterResolved(...lookInSquare());
    await subject.settled();
    busy = false;
    subject.afterResolved(...lookInSquare());
    await subject.settled();
    subject.afterResolved(...lookInSquare());
    await subject.settled();
    // The hut was skipped first (the lane was busy), then asked and found cached; then neither again.
    expect(calls).toEqual(['description:hut', 'description:hut', 'description:woods']);
  });

  it('runs no more than a few at once in the process, and drops what finds no room', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let running = 0;
    let most = 0;
    const { subject, calls, counted } = speculator(
      async () => {
        most = Math.max(most, ++running);
        await gate;
        running--;
        return 'generated' as const;
      },
      { maxRunning: 2 },
    );
    subject.afterResolved(...lookInSquare());
    subject.afterResolved(...moveNorthToHut());
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await subject.settled();
    expect(most).toBe(2);
    // The look's two neighbours took both places; the move's round found none and was dropped.
    expect(calls.sort()).toEqual(['description:hut', 'description:woods']);
    expect(await counted()).toMatchObject({ 'greeting:no_room': 1, 'description:no_room': 1 });
  });

  it('a speculation that fails leaves no error and nothing logged above debug', async () => {
    const failing = speculator(() => Promise.reject(new Error('the lane broke')));
    failing.subject.afterResolved(...moveNorthToHut());
    await failing.subject.settled();
    expect(failing.aboveDebug()).toEqual([]);
    expect(failing.lines.some((l) => l.level === 'debug')).toBe(true);
    expect(await failing.counted()).toEqual({ 'greeting:failed': 1, 'description:failed': 1 });

    const noScene = speculator(() => 'generated', { contextFails: true });
    noScene.subject.afterResolved(...moveNorthToHut());
    await noScene.subject.settled();
    expect(noScene.calls).toEqual([]);
    expect(noScene.aboveDebug()).toEqual([]);
  });

  it('starts nothing once stopped', async () => {
    const { subject, calls } = speculator();
    await subject.stop();
    subject.afterResolved(...moveNorthToHut());
    await subject.settled();
    expect(calls).toEqual([]);
  });
});
