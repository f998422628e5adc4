import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import { whereThePlayerStood } from './where-the-player-stood.ts';

const event = (type: string, data: unknown) => ({
  id: randomUUID(),
  type,
  data,
  metadata: { timestamp: '2026-11-27T12:00:00.000Z' },
});

describe('whereThePlayerStood', () => {
  let store: EventStore;
  beforeAll(async () => {
    store = await openInMemoryEventStore();
    await store.appendToStream(
      'player-p1',
      [
        event('PlayerSpawned', { playerId: 'p1', locationId: 'square' }),
        event('PlayerMoved', { playerId: 'p1', from: 'square', to: 'woods' }),
        // More than a page of events that do not move the player, so the walk reads back past a page.
        ...Array.from({ length: 150 }, () => event('PlayerEnteredWorld', { playerId: 'p1' })),
        event('PlayerRespawned', { playerId: 'p1', locationId: 'temple' }),
      ],
      { expectedRevision: 'no_stream' },
    );
  });
  afterAll(() => store?.close());

  it('reads the latest move, spawn or respawn at or before the revision, across pages', async () => {
    expect(await whereThePlayerStood(store, 'player-p1', 152n)).toBe('temple');
    expect(await whereThePlayerStood(store, 'player-p1', 151n)).toBe('woods');
    expect(await whereThePlayerStood(store, 'player-p1', 1n)).toBe('woods');
    expect(await whereThePlayerStood(store, 'player-p1', 0n)).toBe('square');
  });

  it('is undefined before the stream put the player anywhere', async () => {
    expect(await whereThePlayerStood(store, 'player-p1', -1n)).toBeUndefined();
    expect(await whereThePlayerStood(store, 'player-nobody', 10n)).toBeUndefined();
  });
});
