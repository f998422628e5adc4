import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PlayerEvent } from '../domain/player/player.ts';
import { keepWriting } from '../infrastructure/consumers/crash-testing.ts';
import type { EventStore, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import { PresenceProjection } from './presence.ts';

let position = 0n;
function stored(event: PlayerEvent): StoredEvent {
  position += 1n;
  return {
    id: randomUUID(),
    type: event.type,
    data: event.data,
    metadata: { timestamp: new Date().toISOString() },
    streamId: `player-${(event.data as { playerId: string }).playerId}`,
    revision: 0n,
    position,
  };
}

const registered = (playerId: string, username = playerId): PlayerEvent => ({
  type: 'PlayerRegistered',
  data: { playerId, username },
});
const spawned = (playerId: string, locationId: string): PlayerEvent => ({
  type: 'PlayerSpawned',
  data: { playerId, locationId, hp: 100, maxHp: 100 },
});
const entered = (playerId: string, sessionId: string): PlayerEvent => ({
  type: 'PlayerEnteredWorld',
  data: { playerId, sessionId },
});
const left = (playerId: string, sessionId: string): PlayerEvent => ({
  type: 'PlayerLeftWorld',
  data: { playerId, sessionId },
});
const moved = (playerId: string, from: string, to: string): PlayerEvent => ({
  type: 'PlayerMoved',
  data: { playerId, from, to, direction: 'north' },
});
const respawned = (playerId: string, from: string, locationId: string): PlayerEvent => ({
  type: 'PlayerRespawned',
  data: { playerId, from, locationId, hp: 100 },
});

function presenceOf(...events: PlayerEvent[]): PresenceProjection {
  const presence = new PresenceProjection();
  for (const event of events) presence.apply(stored(event));
  return presence;
}

describe('presence', () => {
  let store: EventStore | undefined;
  let live: PresenceProjection | undefined;
  afterEach(async () => {
    await live?.stop();
    await store?.close();
    live = undefined;
    store = undefined;
  });

  it('indexes online players by location and follows them as they move', () => {
    const presence = presenceOf(
      registered('p1', 'mira'),
      registered('p2', 'aldo'),
      registered('p3', 'zed'),
      spawned('p1', 'square'),
      spawned('p2', 'square'),
      spawned('p3', 'square'),
      entered('p1', 's1'),
      entered('p2', 's2'),
    );
    expect([...presence.onlinePlayerIdsAt('square')].sort()).toEqual(['p1', 'p2']);
    expect(presence.playersAt('square')).toEqual(['aldo', 'mira']);
    expect(presence.playersAt('square', 'p1')).toEqual(['aldo']);
    expect(presence.onlineCountAt('square')).toBe(2);

    presence.apply(stored(moved('p2', 'square', 'gate')));
    presence.apply(stored(entered('p3', 's3')));
    expect(presence.playersAt('square')).toEqual(['mira', 'zed']);
    expect(presence.playersAt('gate')).toEqual(['aldo']);
    expect([...presence.onlinePlayerIdsAt('gate')]).toEqual(['p2']);
    expect(presence.onlinePlayerIdsAt('nowhere').size).toBe(0);
  });

  it('counts players online in the world and those with a session held by a given process', () => {
    const on = (playerId: string, sessionId: string, processId: string): PlayerEvent => ({
      type: 'PlayerEnteredWorld',
      data: { playerId, sessionId, processId },
    });
    const presence = presenceOf(
      registered('p1'),
      registered('p2'),
      registered('p3'),
      on('p1', 's1', 'here'),
      on('p1', 's2', 'here'),
      on('p2', 's3', 'there'),
      on('p3', 's4', 'there'),
      on('p3', 's5', 'here'),
      left('p3', 's5'),
    );
    expect(presence.onlineCounts('here')).toEqual({ world: 3, process: 1 });
    expect(presence.onlineCounts('there')).toEqual({ world: 3, process: 2 });
    presence.apply(stored(left('p2', 's3')));
    expect(presence.onlineCounts('there')).toEqual({ world: 2, process: 1 });
  });

  it("keeps a crowd's names in order as players come and go, and lists the first few with a count", () => {
    const names = Array.from({ length: 300 }, (_, i) => `p${String((i * 7919) % 300).padStart(3, '0')}`);
    const presence = presenceOf(
      ...names.flatMap((name, i) => [
        registered(`id${i}`, name),
        spawned(`id${i}`, 'square'),
        entered(`id${i}`, `s${i}`),
      ]),
    );
    expect(presence.playersAt('square')).toEqual([...names].sort());
    presence.apply(stored(moved('id5', 'square', 'gate')));
    presence.apply(stored(left('id7', 's7')));
    const expected = [...names].filter((name) => name !== names[5] && name !== names[7]).sort();
    expect(presence.playersAt('square')).toEqual(expected);
    expect(presence.playersAt('square', 'id0', 3)).toEqual(
      expected.filter((name) => name !== names[0]).slice(0, 3),
    );
    expect(presence.othersCountAt('square', 'id0')).toBe(297);
    expect(presence.othersCountAt('square', 'id5')).toBe(298);
    expect(presence.playersAt('gate')).toEqual([names[5]]);
  });

  it("hands out copies of a place's names, current as someone comes or goes there", () => {
    const presence = presenceOf(
      registered('p1', 'mira'),
      registered('p2', 'aldo'),
      spawned('p1', 'square'),
      spawned('p2', 'gate'),
      entered('p1', 's1'),
      entered('p2', 's2'),
    );
    expect(presence.playersAt('square')).toEqual(['mira']);
    const returned = presence.playersAt('square');
    returned.push('intruder');
    expect(presence.playersAt('square')).toEqual(['mira']);
    presence.apply(stored(moved('p2', 'gate', 'square')));
    expect(presence.playersAt('square')).toEqual(['aldo', 'mira']);
    expect(presence.playersAt('gate')).toEqual([]);
  });

  it('counts each session once: a player stays online until the last session leaves', () => {
    const presence = presenceOf(
      registered('p1', 'mira'),
      spawned('p1', 'square'),
      entered('p1', 'tab-1'),
      entered('p1', 'tab-2'),
      entered('p1', 'tab-2'),
    );
    presence.apply(stored(left('p1', 'tab-1')));
    expect(presence.isOnline('p1')).toBe(true);
    expect(presence.playersAt('square')).toEqual(['mira']);
    presence.apply(stored(left('p1', 'tab-1')));
    expect(presence.isOnline('p1')).toBe(true);
    presence.apply(stored(left('p1', 'tab-2')));
    expect(presence.isOnline('p1')).toBe(false);
    expect(presence.playersAt('square')).toEqual([]);
    expect(presence.onlinePlayerIdsAt('square').size).toBe(0);
    presence.apply(stored(left('p1', 'tab-unknown')));
    presence.apply(stored(entered('p1', 'tab-3')));
    expect(presence.playersAt('square')).toEqual(['mira']);
  });

  it('places players who enter before they spawn where they spawn', () => {
    const presence = presenceOf(registered('p1', 'mira'), entered('p1', 's1'), spawned('p1', 'square'));
    expect(presence.playersAt('square')).toEqual(['mira']);
    expect(presence.locationOf('p1')).toBe('square');
  });

  it('follows a respawn from the store: the fallen player leaves the crypt for the start', async () => {
    store = await openInMemoryEventStore();
    const append = (event: PlayerEvent) =>
      store!.appendToStream(
        'player-p1',
        [{ id: randomUUID(), ...event, metadata: { timestamp: new Date().toISOString() } }],
        { expectedRevision: 'any' },
      );
    await append(registered('p1', 'mira'));
    await append(spawned('p1', 'square'));
    await append(entered('p1', 's1'));
    await append(moved('p1', 'square', 'crypt'));
    live = new PresenceProjection();
    await live.start(store);
    expect(live.playersAt('crypt')).toEqual(['mira']);

    await append(respawned('p1', 'crypt', 'square'));
    await expect.poll(() => live!.playersAt('square'), { timeout: 5_000 }).toEqual(['mira']);
    expect(live.playersAt('crypt')).toEqual([]);
    expect(live.locationOf('p1')).toBe('square');
  });
});

describe('presence restarted while players come and go', () => {
  it('equals a presence built from zero', async () => {
    const store = await openInMemoryEventStore();
    const players = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
    const places = ['square', 'gate', 'woods', 'crypt'];
    const append = (event: PlayerEvent) =>
      store.appendToStream(
        `player-${(event.data as { playerId: string }).playerId}`,
        [{ id: randomUUID(), ...event, metadata: { timestamp: new Date().toISOString() } }],
        { expectedRevision: 'any' },
      );
    const write = async (n: number) => {
      const playerId = players[n % players.length]!;
      const place = places[(n * 7) % places.length]!;
      if (n < players.length) {
        await append(registered(playerId, `name-${playerId}`));
        await append(spawned(playerId, place));
        return;
      }
      const session = `s${n % 4}`;
      const kinds = [
        () => entered(playerId, session),
        () => moved(playerId, '?', place),
        () => left(playerId, session),
        () => respawned(playerId, '?', place),
        () => entered(playerId, `${session}b`),
      ];
      await append(kinds[n % kinds.length]!());
    };
    const snapshot = (presence: PresenceProjection) => ({
      players: players.map((id) => [presence.username(id), presence.locationOf(id), presence.isOnline(id)]),
      places: places.map((place) => [
        presence.playersAt(place),
        presence.onlineCountAt(place),
        [...presence.onlinePlayerIdsAt(place)].sort(),
      ]),
      orphans: presence
        .orphanedSessions(new Set())
        .map((s) => `${s.playerId}/${s.sessionId}`)
        .sort(),
    });

    const writer = keepWriting(write, 2);
    const restarted = new PresenceProjection();
    await restarted.start(store);
    for (let round = 0; round < 5; round++) {
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
      await restarted.stop();
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
      await restarted.start(store);
    }
    await writer.stop();
    const fresh = new PresenceProjection();
    await fresh.start(store);
    try {
      expect(snapshot(fresh).players.filter(([, , online]) => online).length).toBeGreaterThan(0);
      await expect.poll(() => snapshot(restarted), { timeout: 5_000 }).toEqual(snapshot(fresh));
    } finally {
      await restarted.stop();
      await fresh.stop();
      await store.close();
    }
  }, 30_000);

  it('a started presence refuses to start again until stopped', async () => {
    const store = await openInMemoryEventStore();
    const presence = new PresenceProjection();
    await presence.start(store);
    await expect(presence.start(store)).rejects.toThrow('already started');
    await presence.stop();
    await presence.start(store);
    await presence.stop();
    await store.close();
  });
});

describe('presence: who is online (for who and whisper)', () => {
  it('lists the players online, sorted by name, anywhere or at one place, without the one asking', () => {
    const presence = presenceOf(
      registered('p1', 'cora'),
      spawned('p1', 'square'),
      entered('p1', 's1'),
      registered('p2', 'ayla'),
      spawned('p2', 'square'),
      entered('p2', 's2'),
      registered('p3', 'bram'),
      spawned('p3', 'square'),
      entered('p3', 's3'),
      moved('p3', 'square', 'hut'),
      registered('p4', 'dora'),
      spawned('p4', 'square'),
    );
    expect(presence.onlinePlayers()).toEqual([
      { playerId: 'p2', username: 'ayla', locationId: 'square' },
      { playerId: 'p3', username: 'bram', locationId: 'hut' },
      { playerId: 'p1', username: 'cora', locationId: 'square' },
    ]);
    expect(presence.onlinePlayers('square', 'p2')).toEqual([
      { playerId: 'p1', username: 'cora', locationId: 'square' },
    ]);
  });
});
