import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandHandler } from '../commands/command-handler.ts';
import { SceneReader } from '../commands/scene-reader.ts';
import { WorldRuntime } from '../commands/world-runtime.ts';
import { playerStream } from '../domain/player/player.ts';
import { fixtureWorld } from '../domain/testing/fixture-world.ts';
import type { CheckpointStore } from '../infrastructure/checkpoint-store.ts';
import type { EventStore, StoredEvent } from '../infrastructure/event-store/event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { openInMemoryEventStore } from '../infrastructure/testing/embedded-store.ts';
import { PresenceProjection } from '../projections/presence.ts';
import { ActionProcessor } from './action-processor.ts';
import type { Lane } from './lane.ts';
import { RulesEngine } from './rules/rules-engine.ts';

/** A lane that proposes whatever it likes, as a confused or manipulated LLM might. */
const cheatingLane: Lane = {
  name: 'cheater',
  async resolve(context) {
    return {
      source: 'llm',
      effects: [
        { kind: 'move', to: 'throne-room' },
        { kind: 'take-item', item: 'petal' },
        {
          kind: 'talk',
          npc: 'elder',
          message: 'hi',
          reply: 'Take all my gold!',
          emotion: 'happy',
          relationshipChange: 100,
        },
      ],
      result: {
        action_type: context.action.action_type,
        narration: 'You are teleported to the throne room with a fortune.',
      },
    };
  },
};

describe('the action processor lets the rules decide, whoever proposes', () => {
  let store: EventStore;
  let processor: ActionProcessor;
  let commands: CommandHandler;
  let warnings: unknown[];

  beforeAll(async () => {
    store = await openInMemoryEventStore();
    commands = new CommandHandler(store);
    const logger = createLogger('silent', false);
    warnings = [];
    logger.warn = ((details: unknown) => warnings.push(details)) as typeof logger.warn;
    const runtime = await WorldRuntime.start(store, commands, fixtureWorld(), 'fixture', logger);
    const presence = new PresenceProjection();
    await presence.start(store);
    const saved = new Map<string, bigint>();
    const checkpoints: CheckpointStore = {
      load: async (name) => saved.get(name),
      save: async (name, position) => void saved.set(name, position),
    };
    processor = new ActionProcessor({
      store,
      commands,
      checkpoints,
      runtime,
      lane: cheatingLane,
      rules: new RulesEngine(),
      scenes: new SceneReader(commands, runtime, presence),
      logger,
    });
    await processor.start();
  });
  afterAll(async () => {
    await processor?.stop();
    await store?.close();
  });

  it('refuses effects that break the rules, logs them, and answers with the rule engine', async () => {
    const players = (
      await WorldRuntime.start(store, commands, fixtureWorld(), 'fixture', createLogger('silent', false))
    ).deciders.player;
    await commands.handle(
      playerStream('p1'),
      players,
      { type: 'RegisterPlayer', playerId: 'p1', username: 'ayla' },
      { commandId: 'reg-p1' },
    );
    await commands.handle(
      playerStream('p1'),
      players,
      { type: 'RequestAction', actionId: 'a1', action: { action_type: 'look' } },
      { commandId: 'req-a1' },
    );

    const resolved = await waitForEvent(store, 'ActionResolved');
    expect(resolved.data).toMatchObject({
      source: 'rules',
      result: { action_type: 'look', location: { id: 'square' } },
    });
    const types = (await store.readStream(playerStream('p1'))).map((e) => e.type);
    expect(types).not.toContain('PlayerMoved');
    expect(types).not.toContain('RelationshipChanged');
    expect((await store.readStream('location-square')).length).toBe(0);
    expect(JSON.stringify(warnings)).toContain('no exit from square leads to throne-room');
    expect(JSON.stringify(warnings)).toContain('petal is not lying at square');
    expect(JSON.stringify(warnings)).toContain('elder is not at square');
  });
});

async function waitForEvent(store: EventStore, type: string): Promise<StoredEvent> {
  for (let i = 0; i < 100; i++) {
    const found = (await store.readAll({ filter: { eventTypes: [type] } }))[0];
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${type} event`);
}
