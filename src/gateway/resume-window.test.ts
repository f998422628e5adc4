import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { newsOf } from './outcome-feed.ts';
import type { PlaceNewsContext } from './place-news.ts';
import type { Missed } from './resume-window.ts';
import { ResumeWindow } from './resume-window.ts';

const context: PlaceNewsContext = {
  name: (playerId) => playerId,
  place: (locationId) => locationId,
  enemy: (enemyId) => enemyId,
  item: (itemId) => itemId,
  npc: (npcId) => npcId,
  locationOf: () => 'square',
};

let position = 10n;
function event(
  type: string,
  data: Record<string, unknown>,
  streamId = `player-${data.playerId}`,
): StoredEvent {
  position += 1n;
  return {
    id: `e${position}`,
    type,
    data,
    metadata: { timestamp: new Date().toISOString(), frameId: 'f1' },
    streamId,
    revision: 0n,
    position,
  };
}
const said = (playerId: string, locationId: string, message: string) =>
  event('PlayerSaid', { playerId, locationId, message });
const moved = (playerId: string, from: string, to: string) =>
  event('PlayerMoved', { playerId, from, to, direction: 'east' });
const resolved = (playerId: string, narration: string) =>
  event(
    'ActionResolved',
    {
      actionId: `a-${narration}`,
      result: { action_type: 'look', narration },
      source: 'rules',
      refusedEffects: [],
    },
    `player-${playerId}`,
  );

const texts = (missed: Missed[]) =>
  missed.map((m) => (m.kind === 'result' ? `result: ${m.result.narration}` : String(m.broadcast.text)));

function windowWith(events: StoredEvent[], options: ConstructorParameters<typeof ResumeWindow>[0] = {}) {
  const window = new ResumeWindow(options);
  window.coverFrom(events[0]!.position - 1n);
  for (const stored of events) window.add(stored, newsOf(stored, context));
  return window;
}

describe('the resume window', () => {
  it('replays the player’s results and the news of each place they stood in, in log order, not their own', () => {
    const start = said('ann', 'square', 'before');
    const events = [
      start,
      said('ann', 'square', 'in the square'),
      resolved('bob', 'you look'),
      said('bob', 'square', 'my own words'),
      moved('bob', 'square', 'smithy'),
      said('ann', 'square', 'behind bob'),
      said('cid', 'smithy', 'in the smithy'),
    ];
    const window = windowWith(events);
    const replay = window.replay('bob', start.position, window.lastPosition, 'smithy');
    expect(replay.ok && texts(replay.missed)).toEqual([
      'ann says: "in the square"',
      'result: you look',
      'cid says: "in the smithy"',
    ]);
    const result = replay.ok ? replay.missed.find((m) => m.kind === 'result') : undefined;
    expect(result).toMatchObject({ frameId: 'f1', source: 'rules' });
  });

  it('keeps to (after, through]', () => {
    const events = [
      said('ann', 'square', 'one'),
      said('ann', 'square', 'two'),
      said('ann', 'square', 'three'),
    ];
    const window = windowWith(events);
    const replay = window.replay('bob', events[0]!.position, events[1]!.position, 'square');
    expect(replay.ok && texts(replay.missed)).toEqual(['ann says: "two"']);
  });

  it('says so when asked for more than it reaches back to', () => {
    const events = [said('ann', 'square', 'one'), said('ann', 'square', 'two')];
    const window = windowWith(events);
    expect(window.replay('bob', events[0]!.position - 5n, window.lastPosition, 'square')).toEqual({
      ok: false,
      reason: 'gap',
    });
  });

  it('forgets what is older than its time or past its size, and then starts after it', () => {
    let now = 0;
    const events = [said('ann', 'square', 'old'), said('ann', 'square', 'older')];
    const window = windowWith(events, { windowMs: 1_000, now: () => now });
    now = 5_000;
    const fresh = said('ann', 'square', 'fresh');
    window.add(fresh, newsOf(fresh, context));
    expect(window.coveredAfter).toBe(events[1]!.position);
    expect(window.replay('bob', events[0]!.position, window.lastPosition, 'square').ok).toBe(false);
    const replay = window.replay('bob', events[1]!.position, window.lastPosition, 'square');
    expect(replay.ok && texts(replay.missed)).toEqual(['ann says: "fresh"']);

    const small = windowWith(
      [said('ann', 'square', 'a'), said('ann', 'square', 'b'), said('ann', 'square', 'c')],
      {
        maxEntries: 2,
      },
    );
    expect(small.coveredAfter).toBe(small.lastPosition - 2n);
  });

  it('reaches back with events read from the log', () => {
    const older = [said('ann', 'square', 'long ago'), said('ann', 'square', 'not so long ago')];
    const newer = [said('ann', 'square', 'now')];
    const window = windowWith(newer);
    window.extendBack(older[0]!.position, older, (stored) => newsOf(stored, context));
    expect(window.coveredAfter).toBe(older[0]!.position);
    const replay = window.replay('bob', older[0]!.position, window.lastPosition, 'square');
    expect(replay.ok && texts(replay.missed)).toEqual(['ann says: "not so long ago"', 'ann says: "now"']);
  });
});
