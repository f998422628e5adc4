import { afterAll } from 'vitest';
import { CommandHandler } from '../../commands/command-handler.ts';
import { SceneReader } from '../../commands/scene-reader.ts';
import type { WorldRuntime } from '../../commands/world-runtime.ts';
import { playerStream } from '../../domain/player/player.ts';
import type { CheckpointStore } from '../../infrastructure/checkpoint-store.ts';
import { openDatabase } from '../../infrastructure/database.ts';
import type { EventStore, Position } from '../../infrastructure/event-store/event-store.ts';
import { type EventStoreTables, SqlEventStore } from '../../infrastructure/event-store/sql-event-store.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import { openInMemoryEventStore } from '../../infrastructure/testing/embedded-store.ts';
import {
  dropSchema,
  reportSkipped,
  testServices,
  uniqueSchema,
} from '../../infrastructure/testing/services.ts';
import type { PresenceProjection } from '../../projections/presence.ts';
import { ActionProcessor } from '../action-processor.ts';
import { RulesEngine } from '../rules/rules-engine.ts';

/** What a killed process throws at whatever it still tries to do. */
export class Crashed extends Error {
  override readonly name = 'Crashed';
}

/** Where a process dies: around its n-th append (or its last of `appends`), or at a checkpoint save. */
export type Dies =
  | { beforeAppend: number }
  | { afterAppend: number | 'last' }
  | { atCheckpointSave: 'before' | 'after' };

/**
 * A process that dies at one point: the store and the checkpoints it writes to work until then, and
 * nothing it asks of them does afterwards (the live subscription is left alone: reading changes nothing).
 */
export function dyingProcess(store: EventStore, checkpoints: CheckpointStore, dies: Dies, appends: number) {
  let dead = false;
  let count = 0;
  let died!: () => void;
  const death = new Promise<void>((resolve) => {
    died = resolve;
  });
  const die = () => {
    dead = true;
    died();
  };
  const alive = () => {
    if (dead) throw new Crashed('this process is dead');
  };
  const lastAppend = 'afterAppend' in dies && dies.afterAppend === 'last' ? appends : undefined;
  const dyingStore: EventStore = {
    name: store.name,
    async appendToStream(...args) {
      alive();
      count++;
      if ('beforeAppend' in dies && dies.beforeAppend === count) {
        die();
        alive();
      }
      const result = await store.appendToStream(...args);
      if ('afterAppend' in dies && (lastAppend ?? dies.afterAppend) === count) die();
      alive();
      return result;
    },
    async readStream(...args) {
      alive();
      return store.readStream(...args);
    },
    async readAll(...args) {
      alive();
      return store.readAll(...args);
    },
    subscribeToAll: (options) => store.subscribeToAll(options),
    async headPosition() {
      alive();
      return store.headPosition();
    },
    close: async () => {},
  };
  const dyingCheckpoints: CheckpointStore = {
    load: (name) => checkpoints.load(name),
    async save(name, position) {
      alive();
      if ('atCheckpointSave' in dies && dies.atCheckpointSave === 'before') die();
      alive();
      await checkpoints.save(name, position);
      if ('atCheckpointSave' in dies) die();
    },
  };
  return { store: dyingStore, checkpoints: dyingCheckpoints, death };
}

/** Checkpoints kept in memory, shared by the process that dies and the one that finishes after it. */
export function checkpointsFrom(start: Position | undefined): CheckpointStore {
  let checkpoint = start;
  return {
    load: async () => checkpoint,
    save: async (_name, position) => {
      checkpoint = position;
    },
  };
}

/** Whether the player's stream records the action resolved. */
export async function actionResolved(
  store: EventStore,
  playerId: string,
  actionId: string,
): Promise<boolean> {
  return (await store.readStream(playerStream(playerId))).some(
    (event) => event.type === 'ActionResolved' && (event.data as { actionId: string }).actionId === actionId,
  );
}

/** One game process's action processor (rules only) on the store; resolves to a stop for both. */
export async function startActionProcessor(deps: {
  store: EventStore;
  checkpoints: CheckpointStore;
  runtime: WorldRuntime;
  presence: PresenceProjection;
  now: () => Date;
  logger: Logger;
}): Promise<() => Promise<void>> {
  const commands = new CommandHandler(deps.store, { now: deps.now });
  await commands.start();
  const processor = new ActionProcessor({
    store: deps.store,
    commands,
    checkpoints: deps.checkpoints,
    runtime: deps.runtime,
    lane: new RulesEngine(),
    rules: new RulesEngine(),
    scenes: new SceneReader(commands, deps.runtime, deps.presence),
    logger: deps.logger,
    retryDelayMs: 1,
  });
  await processor.start();
  return async () => {
    await processor.stop();
    await commands.stop();
  };
}

/** Every stream's events (types and data) but the world content's, to compare runs. */
export async function eventsByStream(store: EventStore): Promise<Record<string, [string, unknown][]>> {
  const events: Record<string, [string, unknown][]> = {};
  for (const event of await store.readAll()) {
    if (event.streamId === 'world-content') continue;
    events[event.streamId] = [...(events[event.streamId] ?? []), [event.type, event.data]];
  }
  return events;
}

export async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('timed out waiting');
}

/** Declares the suite on the embedded store, and on PostgreSQL (its own schema) when one is configured. */
export function onEveryStore(
  schemaPrefix: string,
  suite: (label: string, open: () => Promise<EventStore>) => void,
): void {
  suite('embedded store', openInMemoryEventStore);
  const postgresUrl = testServices.postgres.url;
  if (postgresUrl) {
    const schema = uniqueSchema(schemaPrefix);
    suite('PostgreSQL', async () => {
      const database = await openDatabase<EventStoreTables>({ kind: 'postgres', url: postgresUrl, schema });
      return new SqlEventStore(database, { name: 'postgres', pollIntervalMs: 20 }, () => database.close());
    });
    afterAll(() => dropSchema(postgresUrl, schema));
  } else {
    reportSkipped('PostgreSQL', testServices.postgres.variable);
  }
}
