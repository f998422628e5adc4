import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, NewEvent } from '../infrastructure/event-store/event-store.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import type { PlaceNewsContext } from './place-news.ts';
import { missedFrames, Resumer } from './resume.ts';
import { ResumeWindow } from './resume-window.ts';

const context: PlaceNewsContext = {
  name: (playerId) => playerId,
  place: (locationId) => locationId,
  enemy: (enemyId) => enemyId,
  item: (itemId) => itemId,
  npc: (npcId) => npcId,
  locationOf: () => 'square',
};

let n = 0;
const event = (type: string, data: Record<string, unknown>, at = new Date()): NewEvent => ({
  id: crypto.randomUUID(),
  type,
  data,
  metadata: { timestamp: at.toISOString(), frameId: `f${++n}` },
});

describe('resuming from before the process started (read back from the log)', () => {
  let store: EventStore;
  beforeAll(async () => {
    store = await openInMemoryEventStore();
  });
  afterAll(() => store.close());

  const append = (streamId: string, events: NewEvent[]) =>
    store.appendToStream(streamId, events, { expectedRevision: 'any' });

  it('reads back what the process never saw, knowing where each player stood when they came and went', async () => {
    const before = await append('player-ann', [
      event('PlayerSaid', { playerId: 'ann', locationId: 'square', message: 'hi' }),
    ]);
    await append('player-cid', [event('PlayerEnteredWorld', { playerId: 'cid', sessionId: 's1' })]);
    await append('player-cid', [
      event('PlayerMoved', { playerId: 'cid', from: 'square', to: 'smithy', direction: 'east' }),
    ]);
    await append('player-bob', [
      event('ActionResolved', {
        actionId: 'a1',
        result: { action_type: 'look', narration: 'You look.' },
        source: 'rules',
        refusedEffects: [],
      }),
    ]);
    const startedAt = await store.headPosition();
    // The process starts here; presence has cid in the smithy now.
    const window = new ResumeWindow();
    window.coverFrom(startedAt);
    const resumer = new Resumer({ store, window, context: { ...context, locationOf: () => 'smithy' } });

    expect(await resumer.prepare(before.position)).toBe(true);
    const replay = resumer.replay('bob', before.position, window.lastPosition, 'square');
    expect(replay.ok).toBe(true);
    const frames = replay.ok ? missedFrames(replay.missed, true) : [];
    // cid appeared in the square (where he was then, not in the smithy where he is now), then left it.
    expect(
      frames.map((f) => (f.type === 'events' ? (f.events as { text: string }[]).map((e) => e.text) : f)),
    ).toEqual([
      ['cid appears.', 'cid leaves east, toward smithy.'],
      expect.objectContaining({
        type: 'action_result',
        id: 'f4',
        missed: true,
        result: { action_type: 'look', narration: 'You look.' },
      }),
    ]);
  });

  it('refuses to reach back further than the window keeps', async () => {
    const old = new Date(Date.now() - 60 * 60_000);
    const first = await append('player-ann', [
      event('PlayerSaid', { playerId: 'ann', locationId: 'square', message: 'an hour ago' }, old),
    ]);
    await append('player-ann', [
      event('PlayerSaid', { playerId: 'ann', locationId: 'square', message: 'later' }, old),
    ]);
    const window = new ResumeWindow();
    window.coverFrom(await store.headPosition());
    const resumer = new Resumer({ store, window, context });
    expect(await resumer.prepare(first.position - 1n)).toBe(false);
  });
});
