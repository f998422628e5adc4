import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { limits } from '../limits.ts';
import { BroadcastHub, type HubSocket } from './broadcast-hub.ts';
import type { Broadcast } from './outcome-feed.ts';

class FakeSocket implements HubSocket {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: string[] = [];
  readonly raw: Buffer[] = [];
  send(data: Buffer, options: { binary: false }): void {
    expect(options.binary).toBe(false);
    this.raw.push(data);
    this.sent.push(data.toString('utf8'));
  }
}

interface EventsFrame {
  type: string;
  events: (Broadcast & { count?: number; players?: string[] })[];
}

/** A few players, each with sockets, all at the square unless moved. */
function world(players: Record<string, number>, busy = () => false) {
  const sockets = new Map<string, FakeSocket[]>();
  const at = new Map<string, Set<string>>();
  for (const [playerId, count] of Object.entries(players)) {
    sockets.set(
      playerId,
      Array.from({ length: count }, () => new FakeSocket()),
    );
    if (!at.has('square')) at.set('square', new Set());
    at.get('square')!.add(playerId);
  }
  const counted = { frames: 0, events: 0 };
  const hub = new BroadcastHub({
    recipientsAt: (locationId) => at.get(locationId) ?? [],
    socketsOf: (playerId) => sockets.get(playerId),
    sent: (frames, events) => {
      counted.frames += frames;
      counted.events += events;
    },
    tickMs: 50,
    busyTickMs: 100,
    busy,
    crowdThreshold: 3,
    speechCap: 2,
    summaryNames: 2,
  });
  const socket = (playerId: string, index = 0) => sockets.get(playerId)![index]!;
  const frames = (playerId: string, index = 0) =>
    socket(playerId, index).sent.map((text) => JSON.parse(text) as EventsFrame);
  return { hub, at, socket, frames, counted };
}

const arrived = (player: string): Broadcast => ({
  event: 'player_arrived',
  player,
  text: `${player} arrives from the gate.`,
});
const said = (player: string, message: string): Broadcast => ({
  event: 'player_said',
  player,
  message,
  text: `${player} says: "${message}"`,
});

describe('broadcast hub', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tells a crowded place of comings and goings once a second, but speech every tick', () => {
    const crowd = Object.fromEntries(
      Array.from({ length: limits.broadcastCrowdRecipients }, (_, i) => [`p${i}`, 1]),
    );
    const { hub, frames } = world(crowd);
    const ticks = limits.broadcastCrowdNewsEveryMs / 50;
    for (let tick = 0; tick < ticks; tick++) {
      hub.publish('square', arrived(`newcomer${tick}`));
      vi.advanceTimersByTime(50);
    }
    // The first tick's news went at once; the rest waited for the second to pass.
    expect(frames('p0')).toHaveLength(1);
    hub.publish('square', said('p1', 'hello all'));
    vi.advanceTimersByTime(50);
    const [first, second] = frames('p0');
    expect(first!.events.map((e) => e.event)).toEqual(['player_arrived']);
    // Speech goes at the next tick, with the news held back until then, summarised.
    expect(second!.events.map((e) => e.event)).toEqual(['players_arrived', 'player_said']);
    expect(second!.events[0]!.count).toBe(ticks - 1);
  });

  it("ticks at the longer interval while the process is busy, and holds a crowded place's speech to once a second", () => {
    const state = { busy: true };
    const crowd = Object.fromEntries(
      Array.from({ length: limits.broadcastCrowdRecipients + 1 }, (_, i) => [`p${i}`, 1]),
    );
    const { hub, at, frames } = world(crowd, () => state.busy);
    at.set('gate', new Set(['p0']));
    at.get('square')!.delete('p0');
    hub.publish('gate', said('zed', 'quiet here'));
    vi.advanceTimersByTime(50);
    expect(frames('p0')).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(frames('p0')).toHaveLength(1);

    hub.publish('square', said('p2', 'one'));
    vi.advanceTimersByTime(100);
    expect(frames('p1')).toHaveLength(1);
    hub.publish('square', said('p2', 'two'));
    vi.advanceTimersByTime(500);
    expect(frames('p1')).toHaveLength(1);
    vi.advanceTimersByTime(limits.broadcastCrowdNewsEveryMs);
    expect(frames('p1').map((frame) => frame.events.map((e) => e.message))).toEqual([['one'], ['two']]);

    state.busy = false;
    hub.publish('square', said('p2', 'three'));
    vi.advanceTimersByTime(50);
    expect(frames('p1')).toHaveLength(3);
  });

  it('sends each recipient one frame per tick, and nothing before the tick ends', () => {
    const { hub, socket, frames, counted } = world({ ana: 1, bo: 1, cy: 1 });
    hub.publish('square', arrived('dee'));
    hub.publish('square', said('eli', 'hello'));
    vi.advanceTimersByTime(49);
    expect(socket('ana').sent).toEqual([]);
    vi.advanceTimersByTime(1);
    for (const player of ['ana', 'bo', 'cy']) {
      expect(frames(player)).toEqual([{ type: 'events', events: [arrived('dee'), said('eli', 'hello')] }]);
    }
    expect(counted).toEqual({ frames: 3, events: 6 });
  });

  it('hands the very same bytes (encoded once) to every recipient who caused none of the events', () => {
    const { hub, socket } = world({ ana: 1, bo: 2, cy: 1 });
    hub.publish('square', arrived('dee'));
    hub.flush();
    const shared = socket('ana').raw[0];
    expect(shared).toBeDefined();
    expect(Object.is(socket('bo', 0).raw[0], shared)).toBe(true);
    expect(Object.is(socket('bo', 1).raw[0], shared)).toBe(true);
    expect(Object.is(socket('cy').raw[0], shared)).toBe(true);
  });

  it('sends a large fan-out a few hundred frames per turn of the event loop, each socket in tick order', () => {
    const crowd = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`p${i}`, 1]));
    const { hub, socket, frames, counted } = world(crowd);
    const received = () => Object.keys(crowd).filter((player) => socket(player).sent.length > 0).length;
    hub.publish('square', said('zed', 'first'));
    hub.flush();
    const firstTurn = received();
    expect(firstTurn).toBeGreaterThan(0);
    expect(firstTurn).toBeLessThan(600);
    // The next tick's frames queue behind the rest of this one's.
    hub.publish('square', said('zed', 'second'));
    hub.flush();
    expect(socket('p599').sent).toEqual([]);
    vi.runAllTimers();
    expect(received()).toBe(600);
    for (const player of ['p0', 'p300', 'p599'])
      expect(frames(player).map((frame) => frame.events[0]!.message)).toEqual(['first', 'second']);
    expect(counted.frames).toBe(1200);
  });

  it('serialises each event once, however many hear it', () => {
    const crowd = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, 1]));
    const { hub, frames } = world(crowd);
    hub.publish('square', said('p1', 'one'), 'p1');
    hub.publish('square', said('p2', 'two'), 'p2');
    hub.publish('square', arrived('p3'), 'p3');
    const stringify = vi.spyOn(JSON, 'stringify');
    hub.flush();
    expect(stringify).toHaveBeenCalledTimes(3);
    stringify.mockRestore();
    expect(frames('p0')[0]!.events).toHaveLength(3);
    expect(frames('p1')[0]!.events).toEqual([said('p2', 'two'), arrived('p3')]);
  });

  it('leaves out the events a recipient caused, and sends them nothing when only theirs happened', () => {
    const { hub, frames } = world({ ana: 1, bo: 1 });
    hub.publish('square', said('ana', 'hi'), 'ana');
    hub.publish('square', said('bo', 'hey'), 'bo');
    hub.flush();
    expect(frames('ana')).toEqual([{ type: 'events', events: [said('bo', 'hey')] }]);
    expect(frames('bo')).toEqual([{ type: 'events', events: [said('ana', 'hi')] }]);

    hub.publish('square', said('ana', 'anyone?'), 'ana');
    hub.flush();
    expect(frames('ana')).toHaveLength(1);
    expect(frames('bo')).toHaveLength(2);
  });

  it('sends to the players there at flush time, not those there when it happened', () => {
    const { hub, at, frames } = world({ ana: 1, bo: 1 });
    hub.publish('square', arrived('dee'));
    at.get('square')!.delete('bo');
    at.set('gate', new Set(['bo']));
    hub.flush();
    expect(frames('ana')).toHaveLength(1);
    expect(frames('bo')).toEqual([]);
  });

  it('summarises a crowd arriving in one tick as one event', () => {
    const { hub, frames } = world({ ana: 1, p1: 1 });
    for (const player of ['p1', 'p2', 'p3', 'p4', 'p5']) hub.publish('square', arrived(player), player);
    hub.publish('square', said('p2', 'we are here'), 'p2');
    hub.flush();
    expect(frames('ana')).toEqual([
      {
        type: 'events',
        events: [
          { event: 'players_arrived', count: 5, players: ['p1', 'p2'], text: '5 travellers arrive.' },
          said('p2', 'we are here'),
        ],
      },
    ]);
    // p1 sees the others: four, still more than the threshold of three.
    expect(frames('p1')[0]!.events[0]).toEqual({
      event: 'players_arrived',
      count: 4,
      players: ['p2', 'p3'],
      text: '4 travellers arrive.',
    });
  });

  it('gives each member of a large arriving crowd the summary counted without them', () => {
    const members = Array.from({ length: 40 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    const { hub, frames } = world({ ana: 1, ...Object.fromEntries(members.map((m) => [m, 1])) });
    for (const member of members) hub.publish('square', arrived(member), member);
    hub.publish('square', said('ana', 'welcome all'), 'ana');
    hub.flush();
    expect(frames('m00')[0]!.events).toEqual([
      { event: 'players_arrived', count: 39, players: ['m01', 'm02'], text: '39 travellers arrive.' },
      said('ana', 'welcome all'),
    ]);
    expect(frames('m07')[0]!.events[0]).toMatchObject({ count: 39, players: ['m00', 'm01'] });
    expect(frames('ana')[0]!.events).toEqual([
      { event: 'players_arrived', count: 40, players: ['m00', 'm01'], text: '40 travellers arrive.' },
    ]);
  });

  it('sends up to the threshold of arrivals one by one', () => {
    const { hub, frames } = world({ ana: 1, p1: 1 });
    for (const player of ['p1', 'p2', 'p3', 'p4']) hub.publish('square', arrived(player), player);
    hub.flush();
    expect(frames('ana')[0]!.events.map((e) => e.event)).toEqual(['players_arrived']);
    // Without their own arrival, p1 sees three: not a crowd.
    expect(frames('p1')[0]!.events).toEqual([arrived('p2'), arrived('p3'), arrived('p4')]);
  });

  it('caps the voices heard per tick and summarises the rest', () => {
    const { hub, frames } = world({ ana: 1 });
    for (const player of ['p1', 'p2', 'p3', 'p4', 'p5']) hub.publish('square', said(player, 'hi'), player);
    hub.flush();
    expect(frames('ana')[0]!.events).toEqual([
      said('p1', 'hi'),
      said('p2', 'hi'),
      { event: 'players_said', count: 3, players: ['p3', 'p4'], text: '…and 3 others speak at once.' },
    ]);
  });

  it('keeps the locations apart', () => {
    const { hub, at, frames } = world({ ana: 1, bo: 1 });
    at.get('square')!.delete('bo');
    at.set('gate', new Set(['bo']));
    hub.publish('square', said('cy', 'square talk'));
    hub.publish('gate', said('dee', 'gate talk'));
    hub.flush();
    expect(frames('ana')).toEqual([{ type: 'events', events: [said('cy', 'square talk')] }]);
    expect(frames('bo')).toEqual([{ type: 'events', events: [said('dee', 'gate talk')] }]);
  });

  it('sends nothing for empty ticks and does not tick while idle', () => {
    const { hub, socket, counted } = world({ ana: 1 });
    hub.flush();
    vi.advanceTimersByTime(1_000);
    expect(socket('ana').sent).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    hub.publish('square', arrived('dee'));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(50);
    vi.advanceTimersByTime(1_000);
    expect(socket('ana').sent).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(counted).toEqual({ frames: 1, events: 1 });
  });

  it('skips a socket closed between the event and the flush', () => {
    const { hub, socket } = world({ ana: 2, bo: 1 });
    hub.publish('square', arrived('dee'));
    socket('ana', 0).readyState = 3;
    vi.advanceTimersByTime(50);
    expect(socket('ana', 0).sent).toEqual([]);
    expect(socket('ana', 1).sent).toHaveLength(1);
    expect(socket('bo').sent).toHaveLength(1);
  });

  it('drops what is queued when closed', () => {
    const { hub, socket } = world({ ana: 1 });
    hub.publish('square', arrived('dee'));
    hub.close();
    hub.publish('square', arrived('eli'));
    vi.advanceTimersByTime(100);
    expect(socket('ana').sent).toEqual([]);
  });
});
