import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_FACTS_RECALLED } from '../../domain/memory/memory-constants.ts';
import { type Embedder, LocalHashEmbedder } from './embedder.ts';
import { InMemoryVectorMemory } from './in-memory-vector-memory.ts';
import { MemoryRecall } from './memory-recall.ts';
import type { NpcMemory, VectorMemory } from './vector-memory.ts';

const now = new Date('2025-01-01T12:00:00.000Z');
const secondsPerGameHour = 60;
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * secondsPerGameHour * 1000).toISOString();
const recallOf = (query: string, fields: { npcId?: string; playerId?: string; limit?: number } = {}) => ({
  npcId: 'elder',
  playerId: 'ayla',
  query,
  now,
  secondsPerGameHour,
  ...fields,
});

describe('MemoryRecall', () => {
  let store: InMemoryVectorMemory;
  let recall: MemoryRecall;
  let degraded: unknown[];
  const remember = (text: string, fields: Partial<Omit<NpcMemory, 'embedding'>> = {}) =>
    recall.remember({
      id: randomUUID(),
      npcId: 'elder',
      text,
      importance: 5,
      createdAt: hoursAgo(0),
      lastAccessedAt: hoursAgo(0),
      ...fields,
    });

  beforeEach(() => {
    store = new InMemoryVectorMemory();
    degraded = [];
    recall = new MemoryRecall({
      embedder: new LocalHashEmbedder(),
      memory: store,
      onDegraded: (error) => degraded.push(error),
    });
  });

  it('remembers by embedding the text and storing the memory', async () => {
    const stored = await remember('the dragon sleeps under the hill');
    expect(stored.embedding).toHaveLength(384);
    expect(await store.count('elder')).toBe(1);
  });

  it('remembers many memories with one call to the embedder and one upsert', async () => {
    const embedder = new LocalHashEmbedder();
    const embed = vi.spyOn(embedder, 'embed');
    const upsert = vi.spyOn(store, 'upsert');
    const many = new MemoryRecall({ embedder, memory: store, onDegraded: () => {} });
    const memories = ['one', 'two', 'three'].map((text) => ({
      id: randomUUID(),
      npcId: 'elder',
      text,
      importance: 3,
      createdAt: hoursAgo(0),
      lastAccessedAt: hoursAgo(0),
    }));
    expect(await many.rememberAll(memories)).toHaveLength(3);
    expect(embed).toHaveBeenCalledTimes(1);
    expect(upsert).toHaveBeenCalledTimes(1);
    expect(await store.count('elder')).toBe(3);
    expect(await many.rememberAll([])).toEqual([]);
  });

  it('recalls that NPC’s memories about the query first, with their scores', async () => {
    const dragon = await remember('the dragon sleeps under the hill');
    await remember('bread is cheap at the market');
    await remember('the weather was fine at harvest');
    await remember('the dragon stole my hammer', { npcId: 'smith' });

    const memories = await recall.recall(recallOf('where does the dragon sleep?', { limit: 2 }));
    expect(memories).toHaveLength(2);
    expect(memories[0]).toMatchObject({ id: dragon.id, npcId: 'elder', components: { relevance: 1 } });
    expect(memories.every((m) => m.npcId === 'elder')).toBe(true);
    expect(degraded).toEqual([]);
  });

  it('lets recency decide between equally relevant and important memories, and marks the chosen accessed', async () => {
    const old = await remember('the dragon sleeps', { lastAccessedAt: hoursAgo(48) });
    const recent = await remember('the dragon sleeps', { lastAccessedAt: hoursAgo(1) });
    const other = await remember('bread is cheap', { lastAccessedAt: hoursAgo(500) });

    const memories = await recall.recall(recallOf('the dragon', { limit: 2 }));
    expect(memories.map((m) => m.id)).toEqual([recent.id, old.id]);
    expect(memories[1]!.lastAccessedAt).toBe(hoursAgo(48));

    const accessed = await store.search('elder', new Array(384).fill(1), { limit: 10 });
    expect(Object.fromEntries(accessed.map((m) => [m.id, m.lastAccessedAt]))).toEqual({
      [old.id]: now.toISOString(),
      [recent.id]: now.toISOString(),
      [other.id]: hoursAgo(500),
    });
  });

  it('recalls the player’s own memories and the public ones, never another player’s', async () => {
    const aylaTalk = await remember('ayla asked about the dragon', {
      playerId: 'ayla',
      kind: 'conversation',
    });
    const aylaName = await remember('Ayla is called Ayla', {
      playerId: 'ayla',
      kind: 'fact',
      fact: { kind: 'name', value: 'Ayla' },
    });
    const bramTalk = await remember('bram asked about the dragon', {
      playerId: 'bram',
      kind: 'conversation',
    });
    const bramHome = await remember('Bram is from Millbrook, where the dragon sleeps', {
      playerId: 'bram',
      kind: 'fact',
      fact: { kind: 'home', value: 'Millbrook' },
    });
    const seen = await remember('Bram slew the dragon at the gate', { kind: 'observation' });
    const thought = await remember('Dragons trouble the gate again', { kind: 'reflection', importance: 8 });

    const forAyla = await recall.recall(recallOf('dragon', { limit: 10 }));
    expect(forAyla.map((m) => m.id).sort()).toEqual([aylaTalk.id, seen.id, thought.id, aylaName.id].sort());
    const forBram = await recall.recall(recallOf('dragon', { playerId: 'bram', limit: 10 }));
    expect(forBram.map((m) => m.id).sort()).toEqual([bramTalk.id, seen.id, thought.id, bramHome.id].sort());
    const forCole = await recall.recall(recallOf('dragon', { playerId: 'cole', limit: 10 }));
    expect(forCole.map((m) => m.id).sort()).toEqual([seen.id, thought.id].sort());
  });

  it('always brings the player’s facts along after the best-ranked memories, however unrelated', async () => {
    for (let i = 0; i < 5; i++)
      await remember(`the dragon sleeps, says number ${i}`, { kind: 'observation' });
    const name = await remember('zzz', {
      playerId: 'ayla',
      kind: 'fact',
      fact: { kind: 'name', value: 'Ayla' },
    });
    const memories = await recall.recall(recallOf('dragon', { limit: 2 }));
    expect(memories).toHaveLength(3);
    expect(memories.slice(0, 2).every((m) => m.kind === 'observation')).toBe(true);
    expect(memories[2]).toMatchObject({ id: name.id, kind: 'fact', fact: { kind: 'name', value: 'Ayla' } });
  });

  it('ranks the 20 most similar memories the player may hear of by default, and looks up their facts', async () => {
    const search = vi.spyOn(store, 'search');
    await recall.recall(recallOf('dragon'));
    expect(search).toHaveBeenCalledWith('elder', expect.any(Array), {
      limit: 20,
      visibleTo: 'ayla',
      kinds: ['conversation', 'observation', 'reflection'],
    });
    expect(search).toHaveBeenCalledWith('elder', expect.any(Array), {
      limit: MAX_FACTS_RECALLED,
      playerId: 'ayla',
      kinds: ['fact'],
    });
  });

  it('returns no memories and reports the failure when the vector memory is down', async () => {
    const down = new Error('connect ECONNREFUSED 127.0.0.1:6333');
    const failing: VectorMemory = Object.assign(new InMemoryVectorMemory(), {
      search: () => Promise.reject(down),
    });
    const degradedRecall = new MemoryRecall({
      embedder: new LocalHashEmbedder(),
      memory: failing,
      onDegraded: (error) => degraded.push(error),
    });
    expect(await degradedRecall.recall(recallOf('dragon'))).toEqual([]);
    expect(degraded).toEqual([down]);
  });

  it('returns no memories and reports the failure when the embedder fails', async () => {
    const down = new Error('ollama unreachable');
    const failing: Embedder = { name: 'down', dimensions: 384, embed: () => Promise.reject(down) };
    await remember('the dragon sleeps');
    const degradedRecall = new MemoryRecall({
      embedder: failing,
      memory: store,
      onDegraded: (error) => degraded.push(error),
    });
    expect(await degradedRecall.recall(recallOf('dragon'))).toEqual([]);
    expect(degraded).toEqual([down]);
  });
});
