import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { starterWorld } from '../domain/testing/starter-world.ts';
import type { ConversationWording } from '../gpu/npc-life/conversation-wording.ts';
import { type CheckpointStore, SqlCheckpointStore } from '../infrastructure/checkpoint-store.ts';
import { Killed, mortalProcess, sqlBackends, waitUntil } from '../infrastructure/consumers/crash-testing.ts';
import type { EventStore } from '../infrastructure/event-store/event-store.ts';
import { createLogger } from '../infrastructure/logger.ts';
import { event } from '../projections/testing/projection-harness.ts';
import { NPC_LIFE_CHECKPOINT, NpcLife } from './npc-life.ts';

const logger = createLogger('silent', false);
const world = starterWorld();
/** The starter world runs a game hour a real minute: a UTC midnight starts a game day. */
const atGameHour = (hour: number, realSeconds = 0) =>
  new Date(Date.UTC(2026, 10, 27) + hour * 60_000 + realSeconds * 1000);

describe.each(sqlBackends())('NPC life on $name', (backend) => {
  let opened: Awaited<ReturnType<typeof backend.open>>;
  let checkpoints: CheckpointStore;
  const running: NpcLife[] = [];
  let run = 0;
  beforeAll(async () => {
    opened = await backend.open();
    checkpoints = SqlCheckpointStore.on(opened.database.db);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((life) => life.stop()));
  });
  afterAll(async () => {
    await opened?.close();
  });

  /** Each test has players and places of its own; presence puts the given players' places online. */
  const lifeOf = (
    options: {
      store?: EventStore;
      checkpoints?: CheckpointStore;
      online?: string[];
      clock?: () => Date;
      wording?: ConversationWording;
    } = {},
  ) => {
    const life = new NpcLife({
      store: options.store ?? opened.store,
      checkpoints: options.checkpoints ?? checkpoints,
      world: () => world,
      presence: {
        locationsWithPlayersOnline: () => options.online ?? [],
        username: (playerId) => (playerId.startsWith('ayla') ? 'Ayla' : undefined),
      },
      clock: options.clock ?? (() => atGameHour(19, 30)),
      logger,
      tickMs: 3_600_000,
      retryDelayMs: 10,
      // Slots of half a game hour, whatever the default: the tests name the minutes of a slot.
      conversationEveryGameMinutes: 30,
      ...(options.wording ? { wording: options.wording } : {}),
    });
    running.push(life);
    return life;
  };
  const reactionsIn = async (npcId: string, causeId: string) =>
    (await opened.store.readStream(`npc-${npcId}`)).filter(
      (e) => e.type === 'NpcReacted' && e.metadata.causationId === causeId,
    );

  it('reacts once to a death and a quest completed, each NPC concerned where it stands', async () => {
    const playerId = `ayla-${++run}`;
    const life = lifeOf();
    await life.start();
    const at = atGameHour(19, 10).toISOString();
    const moved = event(
      'PlayerMoved',
      { playerId, from: 'village-square', to: 'tavern', direction: 'west' },
      at,
    );
    const died = event('PlayerDefeated', { playerId, locationId: 'tavern', by: 'grey-wolf' }, at);
    const done = event('QuestCompleted', { playerId, questId: 'silk-for-salves' }, at);
    await opened.store.appendToStream(`player-${playerId}`, [moved, died, done], { expectedRevision: 'any' });
    await life.caughtUp();

    for (const npcId of ['brenna', 'old-tom', 'sylvi']) {
      const [reaction, ...more] = await reactionsIn(npcId, died.id);
      expect(more).toEqual([]);
      expect(reaction!.data).toMatchObject({
        npcId,
        locationId: 'tavern',
        reaction: 'shaken',
        cause: { type: 'PlayerDefeated', playerId },
        at,
      });
      expect((reaction!.data as { line: string }).line).toContain('Ayla');
      expect(await reactionsIn(npcId, done.id)).toHaveLength(1);
    }
    const [mira] = await reactionsIn('mira', done.id);
    expect(mira!.data).toMatchObject({ locationId: 'herbalist-cottage', reaction: 'proud' });
    expect(await reactionsIn('mira', died.id)).toEqual([]);
  });

  it('killed after its appends and before its checkpoint, restarted: nothing is doubled', async () => {
    const playerId = `ayla-${++run}`;
    await checkpoints.save(NPC_LIFE_CHECKPOINT, await opened.store.headPosition());
    const doomed = mortalProcess(opened.store, checkpoints);
    let killedAtCheckpoint = false;
    const first = lifeOf({
      store: doomed.store,
      checkpoints: {
        load: (name) => doomed.checkpoints.load(name),
        save: async (name, position) => {
          killedAtCheckpoint = true;
          doomed.kill();
          await doomed.checkpoints.save(name, position);
        },
      },
    });
    await first.start();
    const before = await checkpoints.load(NPC_LIFE_CHECKPOINT);
    const died = event(
      'PlayerDefeated',
      { playerId, locationId: 'tavern', by: 'grey-wolf' },
      atGameHour(19).toISOString(),
    );
    await opened.store.appendToStream(`player-${playerId}`, [died], { expectedRevision: 'any' });
    await waitUntil(() => killedAtCheckpoint, 'the first process dies at its checkpoint');
    expect(await reactionsIn('brenna', died.id)).toHaveLength(1);
    expect(await checkpoints.load(NPC_LIFE_CHECKPOINT)).toBe(before);
    await expect(doomed.store.headPosition()).rejects.toThrow(Killed);

    const second = lifeOf();
    await second.start();
    await second.caughtUp();
    await waitUntil(
      async () => ((await checkpoints.load(NPC_LIFE_CHECKPOINT)) ?? -1n) > (before ?? -1n),
      'the restarted process checkpoints past the event',
    );
    for (const npcId of ['brenna', 'old-tom', 'sylvi'])
      expect(await reactionsIn(npcId, died.id)).toHaveLength(1);
  });

  it('two processes reacting to the same death at once record each reaction once', async () => {
    const playerId = `ayla-${++run}`;
    const processes = [1, 2].map(() => {
      const saved = new Map<string, bigint>();
      return lifeOf({
        checkpoints: {
          load: async (name) => saved.get(name),
          save: async (name, position) => void saved.set(name, position),
        },
      });
    });
    await Promise.all(processes.map((life) => life.start()));
    const died = event(
      'PlayerDefeated',
      { playerId, locationId: 'tavern', by: 'grey-wolf' },
      atGameHour(19, 20).toISOString(),
    );
    await opened.store.appendToStream(`player-${playerId}`, [died], { expectedRevision: 'any' });
    await Promise.all(processes.map((life) => life.caughtUp()));
    for (const npcId of ['brenna', 'old-tom', 'sylvi'])
      expect(await reactionsIn(npcId, died.id)).toHaveLength(1);
  });

  it('leaves the past alone on its first start, and events older than a few minutes', async () => {
    const playerId = `ayla-${++run}`;
    const old = event(
      'PlayerDefeated',
      { playerId, locationId: 'tavern', by: 'grey-wolf' },
      atGameHour(19).toISOString(),
    );
    await opened.store.appendToStream(`player-${playerId}`, [old], { expectedRevision: 'any' });
    const saved = new Map<string, bigint>();
    const life = lifeOf({
      checkpoints: {
        load: async (name) => saved.get(name),
        save: async (name, position) => void saved.set(name, position),
      },
    });
    await life.start();
    const stale = event(
      'PlayerDefeated',
      { playerId, locationId: 'tavern', by: 'grey-wolf' },
      atGameHour(12).toISOString(),
    );
    await opened.store.appendToStream(`player-${playerId}`, [stale], { expectedRevision: 'any' });
    await life.caughtUp();
    expect(await reactionsIn('brenna', old.id)).toEqual([]);
    expect(await reactionsIn('brenna', stale.id)).toEqual([]);
  });

  it('has the NPCs talk of what happened at their place lately', async () => {
    const playerId = `ayla-${++run}`;
    const clock = { now: atGameHour(19, 40) };
    const life = lifeOf({ online: ['tavern'], clock: () => clock.now });
    await life.start();
    const died = event(
      'PlayerDefeated',
      { playerId, locationId: 'tavern', by: 'grey-wolf' },
      atGameHour(19, 35).toISOString(),
    );
    await opened.store.appendToStream(`player-${playerId}`, [died], { expectedRevision: 'any' });
    await life.caughtUp();
    expect(await life.converse()).toBe(1);
    const [talk] = (await opened.store.readStream('npc-talk-tavern')).filter(
      (e) => e.type === 'NpcsConversed',
    );
    const data = talk!.data as { topic: string; lines: { text: string }[]; at: string };
    expect(data.topic).toBe('a fall');
    expect(data.lines[1]!.text).toContain('Ayla');
    expect(data.at).toBe(atGameHour(19, 30).toISOString());
    // Told once: the next slot's talk is of something else.
    clock.now = atGameHour(21, 5);
    expect(await life.converse()).toBe(1);
    const next = (await opened.store.readStream('npc-talk-tavern')).filter((e) => e.type === 'NpcsConversed');
    expect(next).toHaveLength(2);
    expect((next[1]!.data as { topic: string }).topic).not.toBe('a fall');
  });

  it('two processes record one conversation a slot where a player hears it, none where none does', async () => {
    const clock = { now: atGameHour(20, 1) };
    const processes = [1, 2].map(() => lifeOf({ online: ['tavern', 'smithy'], clock: () => clock.now }));
    const talks = async () =>
      (await opened.store.readStream('npc-talk-tavern')).filter((e) => e.type === 'NpcsConversed');
    const before = (await talks()).length;

    const appended = await Promise.all(processes.map((life) => life.converse()));
    expect(appended.reduce((a, b) => a + b, 0)).toBe(1);
    expect(await talks()).toHaveLength(before + 1);
    const talk = (await talks()).at(-1)!;
    const data = talk.data as {
      speakers: string[];
      lines: { npcId: string; text: string }[];
      locationId: string;
    };
    expect(data.locationId).toBe('tavern');
    expect(data.lines.length).toBeGreaterThanOrEqual(2);
    for (const speaker of data.speakers) expect(['old-tom', 'brenna', 'sylvi']).toContain(speaker);
    expect(talk.id).toBe((talk.data as { conversationId: string }).conversationId);

    // Within the slot nothing more; a process that starts afresh agrees on the slot's conversation.
    clock.now = atGameHour(20, 20);
    expect(await Promise.all(processes.map((life) => life.converse()))).toEqual([0, 0]);
    expect(await lifeOf({ online: ['tavern'], clock: () => clock.now }).converse()).toBe(0);
    // The next slot, another.
    clock.now = atGameHour(20, 31);
    expect((await Promise.all(processes.map((life) => life.converse()))).reduce((a, b) => a + b, 0)).toBe(1);
    expect(await talks()).toHaveLength(before + 2);
    expect(await opened.store.readStream('npc-talk-smithy')).toEqual([]);
  });

  it('has a model word the lines when there is one, once a slot whatever the processes', async () => {
    const asked: string[] = [];
    const wording: ConversationWording = {
      word: async (draft) => {
        asked.push(draft.topic);
        return draft.lines.map((line, i) => ({ npcId: line.npcId, text: `worded line ${i + 1}` }));
      },
    };
    const clock = () => atGameHour(22, 10);
    expect(await lifeOf({ online: ['tavern'], clock, wording }).converse()).toBe(1);
    // A second process finds the slot's conversation recorded and asks the model nothing.
    expect(await lifeOf({ online: ['tavern'], clock, wording }).converse()).toBe(0);
    expect(asked).toHaveLength(1);
    const talk = (await opened.store.readStream('npc-talk-tavern')).at(-1)!;
    const { lines, speakers } = talk.data as { lines: { npcId: string; text: string }[]; speakers: string[] };
    expect(lines[0]!.text).toBe('worded line 1');
    expect(lines.map((line) => line.npcId)).toEqual(lines.map((_, i) => speakers[i % 2]));
  });
});
