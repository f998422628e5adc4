import { beforeAll, describe, expect, it } from 'vitest';
import type { SceneReader } from '../../commands/scene-reader.ts';
import type { WorldRuntime } from '../../commands/world-runtime.ts';
import type { Action } from '../../domain/actions.ts';
import { locationDecider } from '../../domain/location/location.ts';
import { starterWorld } from '../../domain/testing/starter-world.ts';
import { npcsAt } from '../../domain/world/clock.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import { LocalHashEmbedder } from '../../infrastructure/memory/embedder.ts';
import { InMemorySituationStore } from '../../infrastructure/memory/in-memory-situation-store.ts';
import type { Situation } from '../../infrastructure/memory/situation-store.ts';
import { actionContext } from '../action-context.ts';
import { actionContext as fakeContext } from '../prompts/testing/context.ts';
import { EmbeddingSituationLookup, type RelatedRequest } from './situation-lookup.ts';
import { playerActionSituationId } from './situation-texts.ts';
import { WorldSituationIndexer } from './world-situations.ts';

const world = starterWorld();
const embedder = new LocalHashEmbedder();
const store = new InMemorySituationStore();
const lookup = new EmbeddingSituationLookup({ embedder, store });

const action = async (playerId: string, eventId: string, text: string, second: number) => {
  const [embedding] = await embedder.embed([text]);
  const entry: Situation = {
    id: playerActionSituationId(eventId),
    kind: 'player_action',
    subjectId: 'wolf-hollow',
    playerId,
    text,
    createdAt: new Date(second * 1_000).toISOString(),
    embedding: embedding!,
  };
  await store.upsert([entry]);
};

const ask = (playerId: string, act: Action, where: Partial<RelatedRequest> = {}) =>
  lookup.related({ playerId, action: act, locationId: 'village-square', npcIdsHere: [], ...where });

beforeAll(async () => {
  await new WorldSituationIndexer({ embedder, store, logger: createLogger('silent', false) }).index(world);
  await action(
    'ayla',
    'e1',
    'At Wolf Hollow: attack wolf. You drive the grey wolf back with your dagger.',
    1,
  );
  await action(
    'bram',
    'e2',
    'At Wolf Hollow: attack wolf. The wolf bites Bram, who hid the silver key here.',
    2,
  );
});

describe('related snippets for an action', () => {
  it('given two players who fought the wolf, then each is reminded of their own fight only', async () => {
    const forAyla = await ask('ayla', { action_type: 'attack', target: 'wolf' });
    const forBram = await ask('bram', { action_type: 'attack', target: 'wolf' });
    expect(forAyla?.private).toEqual([expect.stringContaining('with your dagger')]);
    expect(forBram?.private).toEqual([expect.stringContaining('silver key')]);
    expect(JSON.stringify(forAyla)).not.toContain('silver key');
    expect(JSON.stringify(forBram)).not.toContain('dagger');
    // Cole has done nothing: nobody's actions reach him.
    const forCole = await ask('cole', { action_type: 'attack', target: 'wolf' });
    expect(forCole?.private ?? []).toEqual([]);
  });

  it('public snippets are places and NPCs only, never what a player did', async () => {
    const found = await ask('cole', { action_type: 'attack', target: 'wolf' });
    expect(found?.public).toEqual([expect.stringMatching(/^Wolf Hollow \(/)]);
    for (const playerId of ['ayla', 'bram', 'cole']) {
      const related = await ask(playerId, { action_type: 'attack', target: 'wolf' });
      for (const snippet of related?.public ?? []) expect(snippet).not.toMatch(/^At /);
    }
  });

  it('leaves out the place the player stands in and the NPCs here', async () => {
    const fight: Action = { action_type: 'attack', target: 'wolf' };
    expect((await ask('cole', fight))?.public).toEqual([expect.stringMatching(/^Wolf Hollow \(/)]);
    expect(await ask('cole', fight, { locationId: 'wolf-hollow' })).toBeUndefined();
    const talk: Action = { action_type: 'talk', npc: 'elder', message: 'tell me of the prophecy' };
    expect((await ask('cole', talk))?.public).toContainEqual(
      expect.stringMatching(/^Elder Zorathian, usually/),
    );
    const inTheHut = await ask('cole', talk, { locationId: 'elders-hut', npcIdsHere: ['elder-zorathian'] });
    expect(inTheHut?.public ?? []).not.toContainEqual(expect.stringMatching(/^Elder Zorathian/));
  });

  it('gives nothing for commands whose words find nothing new (look, go north, inventory)', async () => {
    expect(await ask('ayla', { action_type: 'look' })).toBeUndefined();
    expect(await ask('ayla', { action_type: 'move', direction: 'north' })).toBeUndefined();
    expect(await ask('ayla', { action_type: 'inventory' })).toBeUndefined();
  });

  it('given an embedder that hangs or fails, then the action goes on without, told as degraded', async () => {
    const degraded: unknown[] = [];
    const hanging = new EmbeddingSituationLookup({
      embedder: { name: 'hung', dimensions: 384, embed: () => new Promise(() => {}) },
      store,
      timeoutMs: 20,
      onDegraded: (error) => degraded.push(error),
    });
    const failing = new EmbeddingSituationLookup({
      embedder: { name: 'down', dimensions: 384, embed: () => Promise.reject(new Error('embedder down')) },
      store,
      onDegraded: (error) => degraded.push(error),
    });
    const request = {
      playerId: 'ayla',
      action: { action_type: 'attack', target: 'wolf' } as Action,
      locationId: 'village-square',
      npcIdsHere: [],
    };
    expect(await hanging.related(request)).toBeUndefined();
    expect(await failing.related(request)).toBeUndefined();
    expect(degraded).toHaveLength(2);
  });
});

describe('the action context', () => {
  const at = new Date('2024-05-01T12:00:00Z');
  const deps = (situations?: EmbeddingSituationLookup) => ({
    runtime: { world } as WorldRuntime,
    scenes: {
      scene: async (locationId: string) => ({
        state: locationDecider(world, locationId).initialState(),
        stale: false,
        items: [],
        players: [],
        npcs: npcsAt(world, locationId, at),
        enemies: [],
        weather: undefined,
      }),
      onlinePlayers: () => [],
    } as unknown as SceneReader,
    ...(situations ? { situations } : {}),
  });
  const attack: Action = { action_type: 'attack', target: 'wolf' };
  const player = {
    ...fakeContext({ action: attack }).player,
    playerId: 'ayla',
    locationId: 'village-square',
  };

  it('carries related snippets when the lookup is on, and none when it is off', async () => {
    const on = await actionContext(deps(lookup), 'a1', attack, player, at, 1n);
    expect(on.related?.private).toEqual([expect.stringContaining('with your dagger')]);
    expect(on.related?.public).toEqual([expect.stringMatching(/^Wolf Hollow/)]);
    const off = await actionContext(deps(), 'a1', attack, player, at, 1n);
    expect(off).not.toHaveProperty('related');
  });
});
