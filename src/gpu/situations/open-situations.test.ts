import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldRuntime } from '../../commands/world-runtime.ts';
import type { Action } from '../../domain/actions.ts';
import { starterWorld } from '../../domain/testing/starter-world.ts';
import type { World } from '../../domain/world/world.ts';
import { SqlCheckpointStore } from '../../infrastructure/checkpoint-store.ts';
import { sqlBackends } from '../../infrastructure/consumers/crash-testing.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import { LocalHashEmbedder } from '../../infrastructure/memory/embedder.ts';
import { event } from '../../projections/testing/projection-harness.ts';
import { type OpenedSituations, openSituations } from './open-situations.ts';

const world = starterWorld();
const [pglite] = sqlBackends();

describe('the situation index in process (no Qdrant)', () => {
  let opened: Awaited<ReturnType<NonNullable<typeof pglite>['open']>>;
  let situations: OpenedSituations | undefined;
  beforeAll(async () => {
    opened = await pglite!.open();
  });
  afterAll(async () => {
    await situations?.close();
    await opened?.close();
  });

  let n = 0;
  const act = async (playerId: string, action: Action, narration: string, locationId = 'wolf-hollow') => {
    const actionId = `a${n++}`;
    await opened.store.appendToStream(
      `player-${playerId}`,
      [
        event('PlayerSpawned', { playerId, locationId, hp: 10, maxHp: 10 }),
        event('ActionRequested', { actionId, action }),
        event('ActionResolved', {
          actionId,
          result: { action_type: action.action_type, narration },
          source: 'rules',
          refusedEffects: [],
        }),
      ],
      { expectedRevision: 'any' },
    );
  };
  const open = () => {
    const listeners: ((world: World) => void)[] = [];
    const runtime = {
      world,
      onChange: (listener: (world: World) => void) => {
        listeners.push(listener);
        return () => {};
      },
    } as unknown as WorldRuntime;
    return openSituations({
      settings: { QDRANT_COLLECTION: 'npc_memories' },
      embedder: new LocalHashEmbedder(),
      events: opened.store,
      checkpoints: SqlCheckpointStore.on(opened.database.db),
      runtime,
      logger: createLogger('silent', false),
    });
  };

  it('given actions in the log, when started, then the world and every player’s actions are in, each their own', async () => {
    await act(
      'ayla',
      { action_type: 'attack', target: 'wolf' },
      'You drive the grey wolf back with your dagger.',
    );
    await act('bram', { action_type: 'attack', target: 'wolf' }, 'The wolf bites you.');
    await act(
      'bram',
      { action_type: 'whisper', to: 'Ayla', message: 'the silver key is under the stone' },
      'You whisper.',
    );
    situations = await open();
    await situations.indexer.idle();
    await situations.actions.caughtUp();
    expect(await situations.store.count('place')).toBe(world.locations.size);
    expect(await situations.store.count('npc')).toBe(world.npcs.size);
    expect(await situations.store.count('player_action')).toBe(3);

    const attack: Action = { action_type: 'attack', target: 'wolf' };
    const ask = (playerId: string) =>
      situations!.lookup.related({ playerId, action: attack, locationId: 'village-square', npcIdsHere: [] });
    expect((await ask('ayla'))?.private).toEqual([
      'At Wolf Hollow: attack wolf. You drive the grey wolf back with your dagger.',
    ]);
    expect((await ask('bram'))?.private).toContain('At Wolf Hollow: attack wolf. The wolf bites you.');
    expect(JSON.stringify(await ask('bram'))).not.toContain('silver key');
    expect(JSON.stringify(await ask('ayla'))).not.toContain('bites');
  });

  it('is rebuilt from the log at the next start, the same entries, none doubled', async () => {
    await situations!.close();
    situations = await open();
    await situations.indexer.idle();
    await situations.actions.caughtUp();
    expect(await situations.store.count('player_action')).toBe(3);
    expect(await situations.store.count()).toBe(world.locations.size + world.npcs.size + 3);
  });
});
