import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandHandler } from '../commands/command-handler.ts';
import { WorldRuntime } from '../commands/world-runtime.ts';
import { fixtureWorld } from '../domain/testing/fixture-world.ts';
import { keepWriting, waitUntil } from '../infrastructure/consumers/crash-testing.ts';
import type { SqlEventStore } from '../infrastructure/event-store/sql-event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import { PresenceProjection } from '../projections/presence.ts';
import { OutcomeFeed } from './outcome-feed.ts';

const logger = createLogger('silent', false);

describe('the outcome feed stopped and restarted while outcomes keep coming', () => {
  let store: SqlEventStore;
  let runtime: WorldRuntime;
  beforeAll(async () => {
    store = await openInMemoryEventStore();
    runtime = await WorldRuntime.start(store, new CommandHandler(store), fixtureWorld(), 'fixture', logger);
  });
  afterAll(async () => {
    await runtime?.stop();
    await store?.close();
  });

  it('hands on each event appended after its start once, in order, and misses none', async () => {
    // Even n: an action resolved; odd n: a player speaking (a broadcast). Each tagged with n.
    const write = async (n: number) => {
      const playerId = `p${n % 3}`;
      const event =
        n % 2 === 0
          ? {
              type: 'ActionResolved',
              data: { actionId: `${n}`, result: {}, source: 'rules', refusedEffects: [] },
            }
          : { type: 'PlayerSaid', data: { playerId, locationId: 'square', message: `${n}` } };
      await store.appendToStream(
        `player-${playerId}`,
        [{ id: randomUUID(), ...event, metadata: { timestamp: new Date().toISOString() } }],
        { expectedRevision: 'any' },
      );
    };
    const tagOf = (data: unknown) => {
      const { actionId, message } = data as { actionId?: string; message?: string };
      return Number(actionId ?? message);
    };
    const writer = keepWriting(write, 2);
    await waitUntil(async () => (await store.headPosition()) > 5n, 'some history');

    for (let round = 0; round < 4; round++) {
      const delivered: number[] = [];
      const feed = new OutcomeFeed(
        store,
        new PresenceProjection(),
        runtime,
        {
          resolved: (action) => delivered.push(tagOf(action)),
          broadcast: (_locationId, message) => delivered.push(tagOf(message)),
        },
        logger,
      );
      const beforeStart = await store.headPosition();
      await feed.start();
      const started = await store.headPosition();
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 40));
      const seen = await store.headPosition();
      const all = (await store.readAll({ filter: { eventTypes: ['ActionResolved', 'PlayerSaid'] } })).map(
        (e) => ({ tag: tagOf(e.data), position: e.position }),
      );
      const due = all.filter((e) => e.position > started && e.position <= seen).map((e) => e.tag);
      await waitUntil(() => due.every((tag) => delivered.includes(tag)), 'events after the start');
      // Stopped while events keep arriving.
      await feed.stop();
      const after = delivered.length;
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(delivered.length).toBe(after);

      const now = (await store.readAll({ filter: { eventTypes: ['ActionResolved', 'PlayerSaid'] } })).map(
        (e) => ({ tag: tagOf(e.data), position: e.position }),
      );
      const first = now.findIndex((e) => e.tag === delivered[0]);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(now[first]!.position).toBeGreaterThan(beforeStart);
      // Contiguous, in order, each once: exactly the events from the first one handed on.
      expect(delivered).toEqual(now.slice(first, first + delivered.length).map((e) => e.tag));
      expect(delivered.length).toBeGreaterThanOrEqual(due.length);
      expect(due.length).toBeGreaterThan(0);
    }
    await writer.stop();
  }, 60_000);
});
