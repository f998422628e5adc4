import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  EmbeddingDimensionError,
  type Situation,
  SituationScopeError,
  type SituationSearch,
  type SituationStore,
} from './situation-store.ts';

export interface SituationStoreUnderTest {
  name: string;
  /** An empty store for embeddings of `dimensions` (the suite uses 4). */
  open(dimensions: number): Promise<SituationStore>;
}

const T0 = '2025-01-01T00:00:00.000Z';

const entry = (kind: Situation['kind'], embedding: number[], fields: Partial<Situation> = {}): Situation => ({
  id: randomUUID(),
  kind,
  subjectId: 'village-square',
  text: `a ${kind}`,
  createdAt: T0,
  embedding,
  ...(kind === 'player_action' ? { playerId: 'ayla' } : {}),
  ...fields,
});

const at = (second: number) => new Date(Date.parse(T0) + second * 1_000).toISOString();

/** The behaviour every SituationStore adapter must have. The store is cleared before each test. */
export function situationStoreContract(subject: SituationStoreUnderTest): void {
  describe(`SituationStore contract: ${subject.name}`, () => {
    let store: SituationStore;
    const ids = async (embedding: number[], options: SituationSearch) =>
      (await store.search(embedding, options)).map((found) => found.id).sort();

    beforeAll(async () => {
      store = await subject.open(4);
    });
    afterAll(async () => {
      await store?.close();
    });
    beforeEach(async () => {
      await store.clear();
    });

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('given entries of each kind, when counted, then each kind and the whole are told', async () => {
      await store.upsert([
        entry('place', [1, 0, 0, 0]),
        entry('npc', [0, 1, 0, 0]),
        entry('npc', [0, 0, 1, 0]),
        entry('player_action', [0, 0, 0, 1]),
      ]);
      expect(await store.count('place')).toBe(1);
      expect(await store.count('npc')).toBe(2);
      expect(await store.count('player_action')).toBe(1);
      expect(await store.count()).toBe(4);
    });

    it('given an entry upserted again under its id, then it is replaced, not doubled', async () => {
      const place = entry('place', [1, 0, 0, 0], { text: 'first telling' });
      await store.upsert([place]);
      await store.upsert([{ ...place, text: 'second telling' }]);
      expect(await store.count()).toBe(1);
      expect(await store.search([1, 0, 0, 0], { kinds: ['place'], limit: 5 })).toMatchObject([
        { id: place.id, text: 'second telling' },
      ]);
    });

    it('when searched, then entries come best first with their similarity and every field', async () => {
      const same = entry('npc', [2, 0, 0, 0], { subjectId: 'old-mira', text: 'Mira the herbalist' });
      const diagonal = entry('place', [1, 1, 0, 0]);
      const orthogonal = entry('place', [0, 0, 1, 0]);
      await store.upsert([orthogonal, same, diagonal]);
      const found = await store.search([1, 0, 0, 0], { kinds: ['place', 'npc'], limit: 10 });
      expect(found.map((f) => f.id)).toEqual([same.id, diagonal.id, orthogonal.id]);
      expect(found.map((f) => f.similarity)).toEqual([
        expect.closeTo(1, 5),
        expect.closeTo(Math.SQRT1_2, 5),
        expect.closeTo(0, 5),
      ]);
      const { embedding, similarity: _, ...rest } = found[0]!;
      expect(rest).toEqual({
        id: same.id,
        kind: 'npc',
        subjectId: 'old-mira',
        text: 'Mira the herbalist',
        createdAt: T0,
      });
      expect(embedding).toEqual([expect.closeTo(1, 5), 0, 0, 0]);
      expect(await store.search([1, 0, 0, 0], { kinds: ['place', 'npc'], limit: 1 })).toHaveLength(1);
      expect(await store.search([1, 0, 0, 0], { kinds: ['place', 'npc'], limit: 0 })).toEqual([]);
      expect(await ids([1, 0, 0, 0], { kinds: ['place'], limit: 10 })).toEqual(
        [diagonal.id, orthogonal.id].sort(),
      );
    });

    it('given two players’ actions, then each is found only with its own player’s id', async () => {
      const aylas = entry('player_action', [1, 0, 0, 0], { playerId: 'ayla' });
      const brams = entry('player_action', [1, 0, 0, 0], { playerId: 'bram' });
      const place = entry('place', [1, 0, 0, 0]);
      await store.upsert([aylas, brams, place]);
      const all = ['place', 'npc', 'player_action'] as const;
      expect(await ids([1, 0, 0, 0], { kinds: all, playerId: 'ayla', limit: 10 })).toEqual(
        [aylas.id, place.id].sort(),
      );
      expect(await ids([1, 0, 0, 0], { kinds: ['player_action'], playerId: 'bram', limit: 10 })).toEqual([
        brams.id,
      ]);
      expect(await ids([1, 0, 0, 0], { kinds: ['player_action'], playerId: 'cole', limit: 10 })).toEqual([]);
      // Without a player nobody's actions are found.
      expect(await ids([1, 0, 0, 0], { kinds: all, limit: 10 })).toEqual([place.id]);
    });

    it('refuses a player action without a player and a public entry with one', async () => {
      await expect(store.upsert([entry('player_action', [1, 0, 0, 0], { playerId: '' })])).rejects.toThrow(
        SituationScopeError,
      );
      await expect(store.upsert([entry('npc', [1, 0, 0, 0], { playerId: 'ayla' })])).rejects.toThrow(
        SituationScopeError,
      );
      expect(await store.count()).toBe(0);
    });

    it('given more actions than kept, when pruned, then each player keeps the latest only', async () => {
      const aylas = [0, 1, 2, 3, 4].map((s) =>
        entry('player_action', [1, 0, 0, 0], { playerId: 'ayla', createdAt: at(s) }),
      );
      const brams = [0, 1].map((s) =>
        entry('player_action', [1, 0, 0, 0], { playerId: 'bram', createdAt: at(s) }),
      );
      const coles = [0, 1, 2].map((s) =>
        entry('player_action', [1, 0, 0, 0], { playerId: 'cole', createdAt: at(s) }),
      );
      const place = entry('place', [1, 0, 0, 0]);
      await store.upsert([...aylas, ...brams, ...coles, place]);
      await store.prunePlayerActions(['ayla', 'bram'], 2);
      const of = (playerId: string) => ids([1, 0, 0, 0], { kinds: ['player_action'], playerId, limit: 10 });
      expect(await of('ayla')).toEqual([aylas[3]!.id, aylas[4]!.id].sort());
      expect(await of('bram')).toEqual(brams.map((b) => b.id).sort());
      // Not named: untouched.
      expect(await of('cole')).toEqual(coles.map((c) => c.id).sort());
      expect(await store.count('place')).toBe(1);
      await store.prunePlayerActions(['ayla'], 2);
      expect(await of('ayla')).toEqual([aylas[3]!.id, aylas[4]!.id].sort());
    });

    it('given actions at the same moment, when pruned, then the same ones are kept every time', async () => {
      const twins = [0, 1, 2].map(() => entry('player_action', [1, 0, 0, 0], { createdAt: at(7) }));
      await store.upsert(twins);
      await store.prunePlayerActions(['ayla'], 1);
      const kept = await ids([1, 0, 0, 0], { kinds: ['player_action'], playerId: 'ayla', limit: 10 });
      expect(kept).toEqual([
        twins
          .map((t) => t.id)
          .sort()
          .at(-1),
      ]);
    });

    it('retainPublic drops places and NPCs not named, never player actions', async () => {
      const kept = entry('place', [1, 0, 0, 0]);
      const gone = entry('place', [1, 0, 0, 0]);
      const goneNpc = entry('npc', [1, 0, 0, 0]);
      const action = entry('player_action', [1, 0, 0, 0]);
      await store.upsert([kept, gone, goneNpc, action]);
      await store.retainPublic(new Set([kept.id]));
      expect(await store.count('place')).toBe(1);
      expect(await store.count('npc')).toBe(0);
      expect(await store.count('player_action')).toBe(1);
      await store.retainPublic(new Set());
      expect(await store.count()).toBe(1);
    });

    it('refuses embeddings of another dimension and stores nothing of such a batch', async () => {
      await expect(store.upsert([entry('place', [1, 0, 0, 0]), entry('place', [1, 0, 0])])).rejects.toThrow(
        EmbeddingDimensionError,
      );
      await expect(store.search([1, 0, 0], { kinds: ['place'], limit: 1 })).rejects.toThrow(
        EmbeddingDimensionError,
      );
      expect(await store.count()).toBe(0);
    });
  });
}
