import { describe, expect, it } from 'vitest';
import { starterWorld } from '../../domain/testing/starter-world.ts';
import { buildWorld } from '../../domain/world/world.ts';
import { waitUntil } from '../../infrastructure/consumers/crash-testing.ts';
import { createLogger } from '../../infrastructure/logger.ts';
import { LocalHashEmbedder } from '../../infrastructure/memory/embedder.ts';
import { InMemorySituationStore } from '../../infrastructure/memory/in-memory-situation-store.ts';
import {
  npcSnippet,
  npcText,
  placeSnippet,
  placeText,
  playerActionLine,
  publicSituationId,
} from './situation-texts.ts';
import { type IndexedWorld, WorldSituationIndexer, worldSituations } from './world-situations.ts';

const logger = createLogger('silent', false);
const world = starterWorld();

const indexer = (store: InMemorySituationStore, onIndexed?: (indexed: IndexedWorld) => void) =>
  new WorldSituationIndexer({
    embedder: new LocalHashEmbedder(),
    store,
    logger,
    ...(onIndexed ? { onIndexed } : {}),
  });

describe('situation texts', () => {
  it('a place names itself, its region, its description and its times of day', () => {
    const text = placeText(world, world.locations.get('village-square')!);
    expect(text).toMatch(/^Village Square \(Emberfall Village\): Cobblestones ring a moss-covered well/);
    expect(text).toContain('Night: ');
  });

  it('an NPC names where it is found and the topics it knows, not what it tells of them', () => {
    const elder = world.npcs.get('elder-zorathian')!;
    const text = npcText(world, elder);
    expect(text).toMatch(/^Elder Zorathian, usually at Elder's Hut: /);
    expect(text).toContain('Knows of: the prophecy');
    expect(text).not.toContain(elder.knowledge[0]!.text);
  });

  it('a snippet is short: name, where, and the description’s first sentence within 190 characters', () => {
    expect(placeSnippet(world, world.locations.get('village-square')!)).toBe(
      'Village Square (Emberfall Village): Cobblestones ring a moss-covered well at the heart of Emberfall, worn smooth by three hundred years of buckets.',
    );
    const brenna = npcSnippet(world, world.npcs.get('brenna')!);
    expect(brenna).toMatch(/^Brenna the Blacksmith, usually at The Smithy: A broad-shouldered woman .*…$/);
    expect(brenna.length).toBeLessThanOrEqual(190);
  });

  it('a player action is one line of what, where and the narration’s first sentence', () => {
    expect(
      playerActionLine(
        { action_type: 'take', item: 'bucket' },
        'Village Square',
        'You lift the bucket.  It is heavier than it looks. Water sloshes.',
      ),
    ).toBe('At Village Square: take bucket. You lift the bucket.');
    expect(
      playerActionLine({ action_type: 'inventory' }, 'Village Square', 'You carry nothing.'),
    ).toBeUndefined();
    // A whisper's words are for its one listener.
    expect(
      playerActionLine(
        { action_type: 'whisper', to: 'Bea', message: 'the key is under the mat' },
        'Tavern',
        'You whisper.',
      ),
    ).not.toContain('mat');
  });
});

describe('the world in the situation index', () => {
  it('given the starter world, when indexed, then every place and NPC is in under ids of (version, id)', async () => {
    const store = new InMemorySituationStore();
    const indexed = await indexer(store).index(world);
    expect(indexed).toMatchObject({ version: world.content.version, places: 20, npcs: 7 });
    expect(await store.count('place')).toBe(world.locations.size);
    expect(await store.count('npc')).toBe(world.npcs.size);
    expect(worldSituations(world).map((entry) => entry.id)).toContain(
      publicSituationId('place', world.content.version, 'village-square'),
    );
  });

  it('given a second process (or a restart) indexing the same content, then nothing is doubled', async () => {
    const store = new InMemorySituationStore();
    await indexer(store).index(world);
    await indexer(store).index(world);
    expect(await store.count()).toBe(world.locations.size + world.npcs.size);
  });

  it('when the content changes, then the new version replaces the old one and players’ actions stay', async () => {
    const store = new InMemorySituationStore();
    const seen: IndexedWorld[] = [];
    const background = indexer(store, (indexed) => seen.push(indexed));
    await store.upsert([
      {
        id: '00000000-0000-4000-8000-000000000001',
        kind: 'player_action',
        subjectId: 'village-square',
        playerId: 'ayla',
        text: 'At Village Square: take bucket.',
        createdAt: new Date(0).toISOString(),
        embedding: Array.from({ length: 384 }, (_, i) => (i === 0 ? 1 : 0)),
      },
    ]);
    const content = structuredClone(world.content);
    content.version = 'starter-next';
    content.locations = content.locations.map((location) =>
      location.id === 'village-square'
        ? { ...location, description: 'A quiet square with a new fountain.' }
        : location,
    );
    background.request(world);
    background.request(buildWorld(content));
    await background.idle();
    expect(seen.at(-1)?.version).toBe('starter-next');
    expect(await store.count('place')).toBe(world.locations.size);
    expect(await store.count('npc')).toBe(world.npcs.size);
    expect(await store.count('player_action')).toBe(1);
    const [fountain] = await new LocalHashEmbedder().embed(['new fountain']);
    const found = await store.search(fountain!, { kinds: ['place'], limit: 1 });
    expect(found[0]).toMatchObject({
      id: publicSituationId('place', 'starter-next', 'village-square'),
      text: 'Village Square (Emberfall Village): A quiet square with a new fountain.',
    });
  });

  it('given a store that fails, then the failure is logged, not thrown, and tried again later', async () => {
    const store = new InMemorySituationStore();
    const upsert = store.upsert.bind(store);
    let failures = 1;
    store.upsert = (entries) => (failures-- > 0 ? Promise.reject(new Error('store down')) : upsert(entries));
    const seen: IndexedWorld[] = [];
    const background = new WorldSituationIndexer({
      embedder: new LocalHashEmbedder(),
      store,
      logger,
      onIndexed: (indexed) => seen.push(indexed),
      retryAfterMs: 5,
    });
    background.request(world);
    await expect(background.idle()).resolves.toBeUndefined();
    await waitUntil(() => seen.length === 1, 'the retry');
    await background.idle();
    expect(await store.count()).toBe(world.locations.size + world.npcs.size);
    await background.stop();
  });
});
