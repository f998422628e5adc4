import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureWorld } from '../domain/testing/fixture-world.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import { PresenceProjection } from '../projections/presence.ts';
import { CommandHandler } from './command-handler.ts';
import { SceneReader } from './scene-reader.ts';
import { WorldRuntime } from './world-runtime.ts';

describe('scene reader', () => {
  let store: EventStore;
  let slow = false;
  let scenes: SceneReader;

  beforeAll(async () => {
    store = await openInMemoryEventStore();
    // The same store, whose stream reads can be made to hang like an overloaded database.
    const slowStore: EventStore = Object.create(store, {
      readStream: {
        value: async (...args: Parameters<EventStore['readStream']>) => {
          if (slow) await new Promise((resolve) => setTimeout(resolve, 1_500));
          return store.readStream(...args);
        },
      },
    });
    const commands = new CommandHandler(slowStore);
    const runtime = await WorldRuntime.start(
      store,
      new CommandHandler(store),
      fixtureWorld(),
      'fixture',
      createLogger('silent', false),
    );
    scenes = new SceneReader(commands, runtime, new PresenceProjection());
  });
  afterAll(() => store?.close());

  it('shows a location as the world content and its stream make it', async () => {
    const scene = await scenes.scene('woods', new Date('2026-11-25T12:00:00Z'));
    expect(scene).toMatchObject({ stale: false, items: ['petal'], weather: { id: 'fog' } });
    expect(scene.enemies.map((e) => e.enemy.id)).toEqual(['wolf']);
  });

  it('serves the last state seen, marked stale, when the store is slow', async () => {
    slow = true;
    const scene = await scenes.scene('woods', new Date('2026-11-25T12:00:00Z'));
    slow = false;
    expect(scene.stale).toBe(true);
    expect(scene.items).toEqual(['petal']);
  });
});
