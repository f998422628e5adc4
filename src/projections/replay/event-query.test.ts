import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, Position } from '../../infrastructure/event-store/event-store.ts';
import { openInMemoryEventStore } from '../../infrastructure/testing/embedded-store.ts';
import { describeQueryError, type EventQuery, eventQuerySchema, queryEvents } from './event-query.ts';

let store: EventStore;
const positions: Position[] = [];

async function append(streamId: string, type: string, data: object, minute: number, playerId?: string) {
  const timestamp = `2026-11-25T10:${String(minute).padStart(2, '0')}:00.000Z`;
  const { position } = await store.appendToStream(
    streamId,
    [{ id: randomUUID(), type, data, metadata: { timestamp, ...(playerId ? { playerId } : {}) } }],
    { expectedRevision: 'any' },
  );
  positions.push(position);
}

beforeAll(async () => {
  store = await openInMemoryEventStore();
  await append('player-p1', 'PlayerRegistered', { playerId: 'p1', username: 'ayla' }, 0, 'p1');
  await append('player-p12', 'PlayerRegistered', { playerId: 'p12', username: 'bo' }, 1, 'p12');
  await append(
    'location-square',
    'ItemPickedUp',
    { locationId: 'square', itemId: 'herb', playerId: 'p1' },
    2,
  );
  await append(
    'player-p1',
    'PlayerMoved',
    { playerId: 'p1', from: 'square', to: 'hut', direction: 'north' },
    3,
  );
  await append('account-ayla', 'AccountCreated', { username: 'ayla' }, 4);
  await append(
    'player-p12',
    'PlayerSaid',
    { playerId: 'p12', locationId: 'square', message: 'hi' },
    5,
    'p12',
  );
});
afterAll(() => store?.close());

const run = async (query: EventQuery, pageSize?: number) => {
  const found: string[] = [];
  for await (const event of queryEvents(store, query, pageSize))
    found.push(`${event.streamId}/${event.type}`);
  return found;
};

describe('queryEvents', () => {
  it('reads every event in global order, across pages', async () => {
    expect(await run({}, 2)).toEqual([
      'player-p1/PlayerRegistered',
      'player-p12/PlayerRegistered',
      'location-square/ItemPickedUp',
      'player-p1/PlayerMoved',
      'account-ayla/AccountCreated',
      'player-p12/PlayerSaid',
    ]);
  });

  it('filters by category, several at once, and by one exact stream', async () => {
    expect(await run({ category: 'player' })).toEqual([
      'player-p1/PlayerRegistered',
      'player-p12/PlayerRegistered',
      'player-p1/PlayerMoved',
      'player-p12/PlayerSaid',
    ]);
    expect(await run({ category: ['location', 'account'] })).toEqual([
      'location-square/ItemPickedUp',
      'account-ayla/AccountCreated',
    ]);
    expect(await run({ stream: 'player-p1' })).toEqual([
      'player-p1/PlayerRegistered',
      'player-p1/PlayerMoved',
    ]);
  });

  it('filters by event type', async () => {
    expect(await run({ types: ['PlayerMoved', 'PlayerSaid'] })).toEqual([
      'player-p1/PlayerMoved',
      'player-p12/PlayerSaid',
    ]);
  });

  it("filters by player, from the metadata or from the event's data", async () => {
    expect(await run({ playerId: 'p1' })).toEqual([
      'player-p1/PlayerRegistered',
      'location-square/ItemPickedUp',
      'player-p1/PlayerMoved',
    ]);
  });

  it('filters by time: from inclusive, to exclusive', async () => {
    const from = new Date('2026-11-25T10:02:00Z');
    const to = new Date('2026-11-25T10:05:00Z');
    expect(await run({ from, to })).toEqual([
      'location-square/ItemPickedUp',
      'player-p1/PlayerMoved',
      'account-ayla/AccountCreated',
    ]);
  });

  it('filters by position: after exclusive, until inclusive, and stops at the limit', async () => {
    expect(await run({ after: positions[1]!, until: positions[3]! }, 1)).toEqual([
      'location-square/ItemPickedUp',
      'player-p1/PlayerMoved',
    ]);
    expect(await run({ category: 'player', limit: 3 }, 2)).toEqual([
      'player-p1/PlayerRegistered',
      'player-p12/PlayerRegistered',
      'player-p1/PlayerMoved',
    ]);
  });
});

describe('queryEvents by username', () => {
  it('takes a username (any case) for its player id, and an id as it is', async () => {
    const own = await openInMemoryEventStore();
    try {
      const add = (streamId: string, type: string, data: object) =>
        own.appendToStream(
          streamId,
          [{ id: randomUUID(), type, data, metadata: { timestamp: '2026-11-25T10:00:00Z' } }],
          {
            expectedRevision: 'any',
          },
        );
      const ayla = randomUUID();
      await add('account-ayla', 'AccountRegistered', {
        username: 'Ayla',
        playerId: ayla,
        passwordHash: 'secret',
      });
      await add(`player-${ayla}`, 'PlayerSaid', { playerId: ayla, locationId: 'square', message: 'hi' });
      await add('player-bo', 'PlayerSaid', { playerId: 'bo', locationId: 'square', message: 'yo' });
      const said = async (player: string) => {
        const found: unknown[] = [];
        for await (const event of queryEvents(own, { player })) found.push(event.data);
        return found;
      };
      expect(await said('AYLA')).toEqual([
        { username: 'Ayla', playerId: ayla },
        { playerId: ayla, locationId: 'square', message: 'hi' },
      ]);
      expect(await said(ayla)).toHaveLength(2);
      // No account by that name: the value is a player id.
      expect(await said('bo')).toEqual([{ playerId: 'bo', locationId: 'square', message: 'yo' }]);
    } finally {
      await own.close();
    }
  });
});

describe('eventQuerySchema', () => {
  it('parses query strings and flags, repeated or comma-separated', () => {
    expect(
      eventQuerySchema.parse({
        category: 'player,location',
        type: ['PlayerMoved', 'PlayerSaid'],
        player: 'p1',
        from: '2026-11-25',
        after: '12',
        until: '40',
        limit: '3',
        format: 'csv',
      }),
    ).toEqual({
      category: ['player', 'location'],
      types: ['PlayerMoved', 'PlayerSaid'],
      player: 'p1',
      from: new Date('2026-11-25T00:00:00Z'),
      after: 12n,
      until: 40n,
      limit: 3,
      format: 'csv',
    });
    expect(eventQuerySchema.parse({})).toEqual({ format: 'jsonl' });
  });

  it('names the parameter and the problem', () => {
    const problems = (input: Record<string, unknown>) => {
      const parsed = eventQuerySchema.safeParse(input);
      return parsed.success ? 'ok' : describeQueryError(parsed.error);
    };
    expect(problems({ from: 'yesterday' })).toMatch(/^from: not a date/);
    expect(problems({ after: '-3' })).toMatch(/^after: not a position/);
    expect(problems({ limit: '0' })).toMatch(/^limit: not a limit/);
    expect(problems({ format: 'xml' })).toBe('format: unknown format: use jsonl or csv');
    expect(problems({ categroy: 'player' })).toBe('unknown parameter: categroy');
    expect(problems({ stream: ['a', 'b'] })).toBe('stream: give stream once');
  });
});
