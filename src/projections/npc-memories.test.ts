import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorldRuntime } from '../commands/world-runtime.ts';
import { starterWorld } from '../domain/testing/starter-world.ts';
import { SqlCheckpointStore } from '../infrastructure/checkpoint-store.ts';
import {
  CRASHES,
  CrashPlan,
  crashingCheckpoints,
  sqlBackends,
} from '../infrastructure/consumers/crash-testing.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { LocalHashEmbedder } from '../infrastructure/memory/embedder.ts';
import { InMemoryVectorMemory } from '../infrastructure/memory/in-memory-vector-memory.ts';
import { MemoryRecall } from '../infrastructure/memory/memory-recall.ts';
import type { NpcMemory } from '../infrastructure/memory/vector-memory.ts';
import { NPC_MEMORY_FILTER, NpcMemoryProjection, npcMemoryRecaller } from './npc-memories.ts';
import { NpcMemoryBook } from './npc-memory-book.ts';
import { event } from './testing/projection-harness.ts';

const logger = createLogger('silent', false);
const world = starterWorld();

describe.each(sqlBackends())('NPC memories killed and restarted on $name', (backend) => {
  let opened: Awaited<ReturnType<typeof backend.open>>;
  beforeAll(async () => {
    opened = await backend.open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  // Noon in the starter world (one game hour a real minute), so Captain Halvard keeps the gate.
  const noon = 12 * 60_000 + 1_000 * 24 * 60_000;
  const at = (n: number, step: number) => new Date(noon + n * 100 + step).toISOString();
  const nameOf = (n: number) => `Player${[...String(n)].map((d) => 'abcdefghij'[Number(d)]).join('')}`;
  const appendTalks = async (n: number) => {
    const playerId = `p${n}`;
    await opened.store.appendToStream(
      `player-${playerId}`,
      [
        event('PlayerRegistered', { playerId, username: nameOf(n) }, at(n, 0)),
        event(
          'PlayerMoved',
          { playerId, from: 'village-square', to: 'village-gate', direction: 'north' },
          at(n, 1),
        ),
        event(
          'NpcConversationHeld',
          {
            playerId,
            npcId: 'captain-halvard',
            locationId: 'village-gate',
            message: `I am a hunter and I seek the grey wolf. Hello number ${n}.`,
            reply: 'Hm.',
            emotion: 'neutral',
            at: at(n, 2),
          },
          at(n, 2),
        ),
      ],
      { expectedRevision: 'any' },
    );
    await opened.store.appendToStream(
      'location-village-gate',
      [
        event(
          'EnemyDamaged',
          { locationId: 'village-gate', enemyId: 'grey-wolf', playerId, damage: 4, hp: 6 },
          at(n, 3),
        ),
        event(
          'EnemyDefeated',
          { locationId: 'village-gate', enemyId: 'grey-wolf', playerId, at: at(n, 4) },
          at(n, 4),
        ),
      ],
      { expectedRevision: 'any' },
    );
  };
  /** The memories one uninterrupted read of the whole log makes. */
  const cleanRun = async () => {
    const book = new NpcMemoryBook(world);
    const ids = new Map<string, string | undefined>();
    const events = await opened.store.readAll({ filter: NPC_MEMORY_FILTER, maxCount: 100_000 });
    for (const stored of events) {
      const read = book.read(stored);
      for (const memory of read?.memories ?? []) ids.set(memory.id, memory.kind);
      read?.commit();
    }
    return ids;
  };

  it('every memory is written, none twice, and they are those of one uninterrupted run', async () => {
    for (let n = 0; n < 3; n++) await appendTalks(n);
    const vectors = new InMemoryVectorMemory();
    const recall = new MemoryRecall({
      embedder: new LocalHashEmbedder(64),
      memory: vectors,
      onDegraded: () => {},
    });
    const calls = new Map<string, number>();
    const plan = new CrashPlan();
    let projection!: NpcMemoryProjection;

    const remembering = {
      async rememberAll(memories: readonly Omit<NpcMemory, 'embedding'>[]) {
        const crash = plan.planned;
        const partial = crash === 'fail-mid-batch' || crash === 'stop-mid-batch';
        // Dying mid-batch: the first memory is stored, the others are not.
        const written = partial ? memories.slice(0, 1) : memories;
        const stored = await recall.rememberAll(written);
        for (const memory of written) calls.set(memory.id, (calls.get(memory.id) ?? 0) + 1);
        if (partial) {
          plan.fire(crash, crash === 'stop-mid-batch' ? () => projection.stop() : undefined);
          throw new Error(`${crash} after one memory of the batch`);
        }
        return stored;
      },
    };
    const { checkpoints, saves } = crashingCheckpoints(SqlCheckpointStore.on(opened.database.db), plan, () =>
      projection.stop(),
    );
    const start = async () => {
      projection = new NpcMemoryProjection(opened.store, remembering, logger, () => world, checkpoints, {
        maxBatch: 4,
        retryDelayMs: 5,
        checkpointEveryMs: 0,
      });
      await projection.start();
    };

    await plan.runWhileWriting({
      start,
      running: () => projection,
      write: (n) => appendTalks(n + 3),
      progress: saves,
      progressName: 'checkpoints after the crash',
    });
    expect(plan.fired).toEqual([...CRASHES]);

    const clean = await cleanRun();
    expect(new Set(calls.keys())).toEqual(new Set(clean.keys()));
    expect(await vectors.count()).toBe(clean.size);
    // The crashes did redeliver: some memories were written twice, and stored once.
    expect([...calls.values()].some((n) => n > 1)).toBe(true);
    const kinds = [...clean.values()];
    for (const kind of ['conversation', 'fact', 'observation', 'reflection'] as const)
      expect(kinds, kind).toContain(kind);
    const talks = await opened.store.readAll({
      filter: { eventTypes: ['NpcConversationHeld'] },
      maxCount: 100_000,
    });
    expect(kinds.filter((kind) => kind === 'conversation')).toHaveLength(talks.length);
  });
});

describe('NPC memories without a durable store', () => {
  it('are rebuilt from the first event at every start', async () => {
    const [backend] = sqlBackends();
    const opened = await backend!.open();
    try {
      const playerId = 'p1';
      await opened.store.appendToStream(
        `player-${playerId}`,
        [
          event('NpcConversationHeld', {
            playerId,
            npcId: 'mira',
            locationId: 'square',
            message: 'hi',
            reply: 'hm',
            emotion: 'neutral',
            at: new Date().toISOString(),
          }),
        ],
        { expectedRevision: 'any' },
      );
      const remembered: string[] = [];
      const memory = {
        async rememberAll(memories: readonly Omit<NpcMemory, 'embedding'>[]) {
          remembered.push(...memories.map((m) => m.id));
          return memories.map((m) => ({ ...m, embedding: [] }));
        },
      };
      for (let run = 1; run <= 2; run++) {
        const projection = new NpcMemoryProjection(opened.store, memory, logger, () => world);
        await projection.start();
        await projection.caughtUp();
        const last = (await opened.store.readAll({})).at(-1)!.position;
        expect(await projection.waitFor(last, 1_000)).toBe(true);
        await projection.stop();
        expect(remembered).toHaveLength(run);
      }
    } finally {
      await opened.close();
    }
  });
});

describe('NPC memories recalled for a talk', () => {
  it('bring the player’s own talks and facts and the public memories, never another player’s', async () => {
    const [backend] = sqlBackends();
    const opened = await backend!.open();
    try {
      const noon = new Date(12 * 60_000);
      const talk = (playerId: string, message: string) =>
        event(
          'NpcConversationHeld',
          {
            playerId,
            npcId: 'captain-halvard',
            locationId: 'village-gate',
            message,
            reply: `Noted, ${playerId}.`,
            emotion: 'neutral',
            at: noon.toISOString(),
          },
          noon.toISOString(),
        );
      await opened.store.appendToStream(
        'player-ayla',
        [
          event('PlayerRegistered', { playerId: 'ayla', username: 'Ayla' }, noon.toISOString()),
          talk('ayla', 'My name is Ayla and I seek the wolf that took my brother'),
        ],
        { expectedRevision: 'any' },
      );
      await opened.store.appendToStream(
        'player-bram',
        [
          event('PlayerRegistered', { playerId: 'bram', username: 'Bram' }, noon.toISOString()),
          talk('bram', "I'm Bram, a hunter from Millbrook. Tell me of the wolf"),
        ],
        { expectedRevision: 'any' },
      );
      await opened.store.appendToStream(
        'location-village-gate',
        [
          event(
            'EnemyDefeated',
            { locationId: 'village-gate', enemyId: 'grey-wolf', playerId: 'ayla', at: noon.toISOString() },
            noon.toISOString(),
          ),
        ],
        { expectedRevision: 'any' },
      );
      const recall = new MemoryRecall({
        embedder: new LocalHashEmbedder(64),
        memory: new InMemoryVectorMemory(),
        onDegraded: (error) => {
          throw error;
        },
      });
      const projection = new NpcMemoryProjection(opened.store, recall, logger, () => world);
      await projection.start();
      const last = (await opened.store.readAll({})).at(-1)!.position;
      const runtime = { world } as WorldRuntime;
      const recaller = npcMemoryRecaller(recall, projection, runtime);
      const recallFor = (playerId: string) =>
        recaller.recall({ npcId: 'captain-halvard', playerId, query: 'the wolf', at: noon, upTo: last });

      const forBram = await recallFor('bram');
      await projection.stop();
      expect(forBram.map((m) => m.kind).sort()).toEqual([
        'conversation',
        'fact',
        'fact',
        'fact',
        'observation',
      ]);
      expect(forBram.filter((m) => m.playerId !== undefined).every((m) => m.playerId === 'bram')).toBe(true);
      expect(JSON.stringify(forBram)).not.toMatch(/brother|seek/i);
      expect(forBram.find((m) => m.kind === 'conversation')).toEqual({
        kind: 'conversation',
        text: "I'm Bram, a hunter from Millbrook. Tell me of the wolf",
        playerMessage: "I'm Bram, a hunter from Millbrook. Tell me of the wolf",
        npcReply: 'Noted, bram.',
        playerId: 'bram',
        createdAt: noon.toISOString(),
        importance: expect.any(Number),
      });
      expect(forBram.filter((m) => m.kind === 'fact').map((m) => m.fact)).toEqual(
        expect.arrayContaining([
          { kind: 'name', value: 'Bram' },
          { kind: 'calling', value: 'hunter' },
          { kind: 'home', value: 'Millbrook' },
        ]),
      );
      const seen = forBram.find((m) => m.kind === 'observation')!;
      expect(seen).toMatchObject({ text: 'Ayla slew the grey wolf at Village Gate.' });
      expect(seen).not.toHaveProperty('playerId');
      expect(seen).not.toHaveProperty('playerMessage');
    } finally {
      await opened.close();
    }
  });
});
