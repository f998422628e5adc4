import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureWorld } from '../domain/testing/fixture-world.ts';
import { buildWorld } from '../domain/world/world.ts';
import { waitUntil } from '../infrastructure/consumers/crash-testing.ts';
import type { EventStore, Subscription } from '../infrastructure/event-store/event-store.ts';
import type { SqlEventStore } from '../infrastructure/event-store/sql-event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import { CommandHandler } from './command-handler.ts';
import { WorldRuntime } from './world-runtime.ts';

const logger = createLogger('silent', false);
const version = (v: string) => buildWorld({ ...fixtureWorld().content, version: v }, `test ${v}`);

describe('WorldRuntime following the content other processes load', () => {
  let store: SqlEventStore;
  let other: WorldRuntime;
  beforeAll(async () => {
    store = await openInMemoryEventStore();
    other = await WorldRuntime.start(store, new CommandHandler(store), fixtureWorld(), 'fixture', logger);
  });
  afterAll(async () => {
    await other?.stop();
    await store?.close();
  });

  it('reopens a subscription that broke, and stops following when stopped; a restart follows from then on', async () => {
    // The first subscription breaks after it started: the consumer reopens it after what it had read.
    let broken = 0;
    const flaky: EventStore = Object.create(store, {
      subscribeToAll: {
        value: (...args: Parameters<EventStore['subscribeToAll']>): Subscription => {
          const inner = store.subscribeToAll(...args);
          if (broken++ > 0) return inner;
          return {
            close: () => inner.close(),
            async *[Symbol.asyncIterator]() {
              yield* [];
              throw new Error('connection lost');
            },
          };
        },
      },
    });
    const runtime = await WorldRuntime.start(
      flaky,
      new CommandHandler(store),
      fixtureWorld(),
      'fixture',
      logger,
    );
    const seen: string[] = [];
    runtime.onChange((world) => seen.push(world.content.version));

    await other.load(version('fixture-2'), 'other process');
    await waitUntil(() => runtime.world.content.version === 'fixture-2', 'fixture-2 in force');
    expect(broken).toBeGreaterThanOrEqual(2);

    await runtime.stop();
    await other.load(version('fixture-3'), 'other process');
    const restarted = await WorldRuntime.start(
      store,
      new CommandHandler(store),
      version('fixture-3'),
      'file',
      logger,
    );
    await other.load(version('fixture-4'), 'other process');
    await waitUntil(() => restarted.world.content.version === 'fixture-4', 'fixture-4 in force');
    await restarted.stop();
    expect(runtime.world.content.version).toBe('fixture-2');
    expect(seen).toEqual(['fixture-2']);
  });

  it('records a return to an earlier content (A, then B, then A) and other processes follow it', async () => {
    const loader = await WorldRuntime.start(store, new CommandHandler(store), version('a'), 'file', logger);
    expect(await loader.load(version('b'), 'reload')).toMatchObject({ version: 'b', changed: true });
    await waitUntil(() => other.world.content.version === 'b', 'b in force elsewhere');
    expect(await loader.load(version('a'), 'reload')).toMatchObject({ version: 'a', changed: true });
    await waitUntil(() => other.world.content.version === 'a', 'a in force elsewhere again');
    expect(await loader.load(version('a'), 'reload')).toMatchObject({ version: 'a', changed: false });
    const recorded = (await store.readStream('world-content')).map(
      (event) => (event.data as { version: string }).version,
    );
    expect(recorded.slice(-3)).toEqual(['a', 'b', 'a']);
    await loader.stop();
  });
});
