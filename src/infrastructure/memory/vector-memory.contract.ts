import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EmbeddingDimensionError,
  type NpcMemory,
  type SearchOptions,
  type VectorMemory,
} from './vector-memory.ts';

export interface VectorMemoryUnderTest {
  name: string;
  /** A store for embeddings of `dimensions` (the suite uses 4). */
  open(dimensions: number): Promise<VectorMemory>;
}

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-02T00:00:00.000Z';

const memory = (npcId: string, embedding: number[], fields: Partial<NpcMemory> = {}): NpcMemory => ({
  id: randomUUID(),
  npcId,
  text: 'a memory',
  importance: 5,
  createdAt: T0,
  lastAccessedAt: T0,
  embedding,
  ...fields,
});

/** The behaviour every VectorMemory adapter must have. NPC ids are unique per test, so tests never collide. */
export function vectorMemoryContract(subject: VectorMemoryUnderTest): void {
  describe(`VectorMemory contract: ${subject.name}`, () => {
    let store: VectorMemory;
    let run: string;
    const npc = (name: string) => `${name}-${run}`;
    const search = (npcId: string, embedding: number[], limit = 10, playerId?: string) =>
      store.search(npcId, embedding, playerId === undefined ? { limit } : { limit, playerId });

    beforeAll(async () => {
      store = await subject.open(4);
    });
    afterAll(async () => {
      await store?.close();
    });
    beforeEach(() => {
      run = randomUUID().slice(0, 8);
    });

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('upserts memories and counts them per NPC and in all', async () => {
      const before = await store.count();
      await store.upsert([memory(npc('elder'), [1, 0, 0, 0]), memory(npc('elder'), [0, 1, 0, 0])]);
      await store.upsert([memory(npc('smith'), [0, 0, 1, 0])]);
      expect(await store.count(npc('elder'))).toBe(2);
      expect(await store.count(npc('smith'))).toBe(1);
      expect(await store.count(npc('nobody'))).toBe(0);
      expect(await store.count()).toBe(before + 3);
    });

    it('is idempotent by id: upserting an id again replaces that memory', async () => {
      const original = memory(npc('elder'), [1, 0, 0, 0], { text: 'first telling' });
      await store.upsert([original]);
      await store.upsert([{ ...original, text: 'second telling', importance: 9 }]);
      expect(await store.count(npc('elder'))).toBe(1);
      expect(await search(npc('elder'), [1, 0, 0, 0])).toMatchObject([
        { id: original.id, text: 'second telling', importance: 9 },
      ]);
    });

    it('ranks by cosine similarity, best first, with the similarity and the whole memory', async () => {
      const same = memory(npc('elder'), [2, 0, 0, 0], {
        playerId: 'p-1',
        text: 'same direction',
        importance: 7,
      });
      const diagonal = memory(npc('elder'), [1, 1, 0, 0]);
      const orthogonal = memory(npc('elder'), [0, 0, 1, 0]);
      const opposite = memory(npc('elder'), [-1, 0, 0, 0]);
      await store.upsert([orthogonal, opposite, same, diagonal]);

      const found = await search(npc('elder'), [1, 0, 0, 0]);
      expect(found.map((m) => m.id)).toEqual([same.id, diagonal.id, orthogonal.id, opposite.id]);
      expect(found.map((m) => m.similarity)).toEqual([
        expect.closeTo(1, 5),
        expect.closeTo(Math.SQRT1_2, 5),
        expect.closeTo(0, 5),
        expect.closeTo(-1, 5),
      ]);
      const { embedding, similarity: _, ...rest } = found[0]!;
      expect(rest).toEqual({
        id: same.id,
        npcId: npc('elder'),
        playerId: 'p-1',
        text: 'same direction',
        importance: 7,
        createdAt: T0,
        lastAccessedAt: T0,
      });
      // Stored normalised: the direction is what counts.
      expect(embedding).toEqual([expect.closeTo(1, 5), 0, 0, 0]);

      expect((await search(npc('elder'), [1, 0, 0, 0], 2)).map((m) => m.id)).toEqual([same.id, diagonal.id]);
      expect(await search(npc('elder'), [1, 0, 0, 0], 0)).toEqual([]);
    });

    it('searches only that NPC’s memories, and only that player’s when given', async () => {
      const withAyla = memory(npc('elder'), [1, 0, 0, 0], { playerId: 'ayla' });
      const withBram = memory(npc('elder'), [1, 0, 0, 0], { playerId: 'bram' });
      const withNobody = memory(npc('elder'), [1, 0, 0, 0]);
      const smithWithAyla = memory(npc('smith'), [1, 0, 0, 0], { playerId: 'ayla' });
      await store.upsert([withAyla, withBram, withNobody, smithWithAyla]);

      const ids = async (npcId: string, playerId?: string) =>
        (await search(npcId, [1, 0, 0, 0], 10, playerId)).map((m) => m.id).sort();
      expect(await ids(npc('elder'))).toEqual([withAyla.id, withBram.id, withNobody.id].sort());
      expect(await ids(npc('elder'), 'ayla')).toEqual([withAyla.id]);
      expect(await ids(npc('smith'))).toEqual([smithWithAyla.id]);
      expect(await ids(npc('nobody'))).toEqual([]);
    });

    it('keeps a memory’s kind, the NPC’s reply and a fact as they were written', async () => {
      const talk = memory(npc('elder'), [1, 0, 0, 0], {
        playerId: 'ayla',
        kind: 'conversation',
        text: 'where is the well?',
        npcReply: 'By the square, child.',
      });
      const fact = memory(npc('elder'), [0, 1, 0, 0], {
        playerId: 'ayla',
        kind: 'fact',
        text: 'Ayla is from Millbrook',
        fact: { kind: 'home', value: 'Millbrook' },
      });
      const seen = memory(npc('elder'), [0, 0, 1, 0], { kind: 'observation', text: 'Ayla slew the wolf.' });
      await store.upsert([talk, fact, seen]);
      const found = Object.fromEntries((await search(npc('elder'), [1, 1, 1, 0])).map((m) => [m.id, m]));
      expect(found[talk.id]).toMatchObject({ kind: 'conversation', npcReply: 'By the square, child.' });
      expect(found[fact.id]).toMatchObject({ kind: 'fact', fact: { kind: 'home', value: 'Millbrook' } });
      expect(found[seen.id]).toMatchObject({ kind: 'observation' });
      expect(found[seen.id]).not.toHaveProperty('playerId');
      expect(found[seen.id]).not.toHaveProperty('fact');
    });

    it('visibleTo gives that player’s memories and the public ones, never another player’s', async () => {
      const aylaTalk = memory(npc('elder'), [1, 0, 0, 0], { playerId: 'ayla', kind: 'conversation' });
      const aylaFact = memory(npc('elder'), [1, 0, 0, 0], {
        playerId: 'ayla',
        kind: 'fact',
        fact: { kind: 'name', value: 'Ayla' },
      });
      const bramTalk = memory(npc('elder'), [1, 0, 0, 0], { playerId: 'bram', kind: 'conversation' });
      const seen = memory(npc('elder'), [1, 0, 0, 0], { kind: 'observation' });
      const thought = memory(npc('elder'), [1, 0, 0, 0], { kind: 'reflection' });
      await store.upsert([aylaTalk, aylaFact, bramTalk, seen, thought]);

      const visible = async (playerId: string) =>
        (await store.search(npc('elder'), [1, 0, 0, 0], { limit: 10, visibleTo: playerId }))
          .map((m) => m.id)
          .sort();
      expect(await visible('ayla')).toEqual([aylaTalk.id, aylaFact.id, seen.id, thought.id].sort());
      expect(await visible('bram')).toEqual([bramTalk.id, seen.id, thought.id].sort());
      expect(await visible('cole')).toEqual([seen.id, thought.id].sort());
    });

    it('kinds narrows the search, and a memory without a kind is a conversation', async () => {
      const old = memory(npc('elder'), [1, 0, 0, 0], { playerId: 'ayla' });
      const talk = memory(npc('elder'), [1, 0, 0, 0], { playerId: 'ayla', kind: 'conversation' });
      const fact = memory(npc('elder'), [1, 0, 0, 0], {
        playerId: 'ayla',
        kind: 'fact',
        fact: { kind: 'calling', value: 'smith' },
      });
      const seen = memory(npc('elder'), [1, 0, 0, 0], { kind: 'observation' });
      await store.upsert([old, talk, fact, seen]);
      const ofKinds = async (kinds: NonNullable<SearchOptions['kinds']>, playerId?: string) =>
        (
          await store.search(npc('elder'), [1, 0, 0, 0], {
            limit: 10,
            kinds,
            ...(playerId === undefined ? {} : { playerId }),
          })
        )
          .map((m) => m.id)
          .sort();
      expect(await ofKinds(['fact'], 'ayla')).toEqual([fact.id]);
      expect(await ofKinds(['fact'], 'bram')).toEqual([]);
      expect(await ofKinds(['conversation'])).toEqual([old.id, talk.id].sort());
      expect(await ofKinds(['observation', 'fact'])).toEqual([fact.id, seen.id].sort());
    });

    it('touch sets lastAccessedAt of those memories only and ignores unknown ids', async () => {
      const touched = memory(npc('elder'), [1, 0, 0, 0]);
      const untouched = memory(npc('elder'), [0, 1, 0, 0]);
      await store.upsert([touched, untouched]);
      await store.touch([touched.id, randomUUID()], T1);
      await store.touch([], T1);

      const found = await search(npc('elder'), [1, 1, 0, 0]);
      const accessed = Object.fromEntries(found.map((m) => [m.id, m.lastAccessedAt]));
      expect(accessed).toEqual({ [touched.id]: T1, [untouched.id]: T0 });
    });

    it('refuses embeddings of another dimension and stores nothing of such a batch', async () => {
      const good = memory(npc('elder'), [1, 0, 0, 0]);
      await expect(store.upsert([good, memory(npc('elder'), [1, 0, 0])])).rejects.toThrow(
        EmbeddingDimensionError,
      );
      await expect(search(npc('elder'), [1, 0, 0])).rejects.toThrow(EmbeddingDimensionError);
      expect(await store.count(npc('elder'))).toBe(0);
    });

    it('clear drops every memory and the store stays usable', async () => {
      await store.upsert([memory(npc('elder'), [1, 0, 0, 0]), memory(npc('smith'), [0, 1, 0, 0])]);
      await store.clear();
      expect(await store.count()).toBe(0);
      expect(await search(npc('elder'), [1, 0, 0, 0])).toEqual([]);
      await store.upsert([memory(npc('elder'), [1, 0, 0, 0])]);
      expect(await store.count()).toBe(1);
    });
  });
}
