import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocationEvent } from '../../domain/location/location.ts';
import type { PlayerEvent } from '../../domain/player/player.ts';
import { fixtureWorld } from '../../domain/testing/fixture-world.ts';
import type { ContentEvent } from '../../domain/world/content-decider.ts';
import type { WorldContent } from '../../domain/world/world.ts';
import type { EventStore, Position } from '../../infrastructure/event-store/event-store.ts';
import { openInMemoryEventStore } from '../../infrastructure/testing/embedded-store.ts';
import { StateNotFoundError, stateAt, stateAtToJson } from './time-travel.ts';

let store: EventStore;
let minute = 0;
const timeOf = (n: number) => `2026-11-25T10:${String(n).padStart(2, '0')}:00.000Z`;

/** Appends one event a minute after the previous one; returns its position. */
async function append(
  streamId: string,
  event: PlayerEvent | LocationEvent | ContentEvent,
  playerId?: string,
): Promise<Position> {
  const metadata = { timestamp: timeOf(minute++), ...(playerId ? { playerId } : {}) };
  const written = await store.appendToStream(streamId, [{ id: randomUUID(), ...event, metadata }], {
    expectedRevision: 'any',
  });
  return written.position;
}

const contentLoaded = (content: WorldContent): ContentEvent => ({
  type: 'WorldContentLoaded',
  data: { version: content.version, name: content.name, checksum: content.version, source: 'test', content },
});
const talk = (playerId: string, npcId: string, message: string): PlayerEvent => ({
  type: 'NpcConversationHeld',
  data: {
    playerId,
    npcId,
    locationId: 'hut',
    message,
    reply: 'Hmm.',
    emotion: 'thoughtful',
    at: timeOf(minute),
  },
});

const v1 = fixtureWorld().content;
// Version 2 shortens the quest, lays a vest on the square and makes players hardier.
const v2: WorldContent = structuredClone({ ...v1, version: 'fixture-2' });
v2.quests[0]!.steps.pop();
v2.locations[0]!.items.push('vest');
v2.player.maxHp = 30;

const at: Record<string, Position> = {};

beforeAll(async () => {
  store = await openInMemoryEventStore();
  await append('world-content', contentLoaded(v1));
  const p1 = (event: PlayerEvent) => append('player-p1', event, 'p1');
  at.registered = await p1({ type: 'PlayerRegistered', data: { playerId: 'p1', username: 'ayla' } });
  await p1({ type: 'PlayerSpawned', data: { playerId: 'p1', locationId: 'square', hp: 20, maxHp: 20 } });
  at.pickedUp = await append('location-square', {
    type: 'ItemPickedUp',
    data: { locationId: 'square', itemId: 'dagger', playerId: 'p1' },
  });
  at.carrying = await p1({
    type: 'ItemAddedToInventory',
    data: { playerId: 'p1', itemId: 'dagger', reason: 'taken' },
  });
  at.movedNorth = await p1({
    type: 'PlayerMoved',
    data: { playerId: 'p1', from: 'square', to: 'hut', direction: 'north' },
  });
  at.firstTalk = await p1(talk('p1', 'elder', 'hello'));
  await p1({
    type: 'RelationshipChanged',
    data: { playerId: 'p1', npcId: 'elder', change: 2, score: 2, reason: 'talk' },
  });
  await p1({ type: 'QuestAccepted', data: { playerId: 'p1', questId: 'prophecy' } });
  at.questDone = await p1({ type: 'QuestCompleted', data: { playerId: 'p1', questId: 'prophecy' } });
  at.v2 = await append('world-content', contentLoaded(v2));
  await p1({ type: 'PlayerMoved', data: { playerId: 'p1', from: 'hut', to: 'square', direction: 'south' } });
  await append('player-p2', talk('p2', 'elder', 'the star?'), 'p2');
  await append('player-p2', talk('p2', 'smith', 'a sword?'), 'p2');
});
afterAll(() => store?.close());

describe('time travel: a player', () => {
  it('folds the whole stream with the content in force now when no moment is given', async () => {
    const now = await stateAt(store, { kind: 'player', id: 'p1' });
    expect(now.contentVersion).toBe('fixture-2');
    expect(now.state).toMatchObject({
      locationId: 'square',
      inventory: ['dagger'],
      relationships: { elder: 2 },
    });
    // Version 2's quest has two steps: a completed quest is at the step past its last.
    expect(now.state).toMatchObject({ quests: { prophecy: { status: 'completed', step: 2 } } });
  });

  it('shows an earlier state at an earlier position', async () => {
    const before = await stateAt(store, { kind: 'player', id: 'p1', position: at.carrying! });
    expect(before.asOf).toEqual({ position: at.carrying, timestamp: timeOf(4) });
    expect(before.state).toMatchObject({ locationId: 'square', inventory: ['dagger'], quests: {} });
    const after = await stateAt(store, { kind: 'player', id: 'p1', position: at.movedNorth! });
    expect(after.state).toMatchObject({ locationId: 'hut' });
  });

  it('uses the content version that was in force at that position', async () => {
    const then = await stateAt(store, { kind: 'player', id: 'p1', position: at.questDone! });
    expect(then.contentVersion).toBe('fixture-1');
    expect(then.state).toMatchObject({
      locationId: 'hut',
      quests: { prophecy: { status: 'completed', step: 3 } },
    });
  });

  it('finds the moment by time, inclusive', async () => {
    const then = await stateAt(store, { kind: 'player', id: 'p1', at: new Date(timeOf(5)) });
    expect(then.asOf.position).toBe(at.movedNorth);
    expect(then.state).toMatchObject({ locationId: 'hut' });
    expect(stateAtToJson(then).asOf).toEqual({ position: String(at.movedNorth), timestamp: timeOf(5) });
  });

  it('reports nothing to show before the first event, or for a stranger', async () => {
    await expect(stateAt(store, { kind: 'player', id: 'p1', position: at.registered! - 1n })).rejects.toThrow(
      StateNotFoundError,
    );
    await expect(stateAt(store, { kind: 'player', id: 'nobody' })).rejects.toThrow(/no events about player/);
  });
});

describe('time travel: a location', () => {
  it('starts from the items the content in force lays there', async () => {
    const then = await stateAt(store, { kind: 'location', id: 'square', position: at.v2! - 1n });
    expect(then).toMatchObject({ contentVersion: 'fixture-1', state: { items: ['herb'] } });
    const now = await stateAt(store, { kind: 'location', id: 'square' });
    expect(now).toMatchObject({ contentVersion: 'fixture-2', state: { items: ['herb', 'vest'] } });
    expect(now.asOf.position).toBe(at.pickedUp);
  });

  it('refuses a location the content does not have', async () => {
    await expect(stateAt(store, { kind: 'location', id: 'moon' })).rejects.toThrow(/no location "moon"/);
  });
});

describe('time travel: an npc', () => {
  it("gathers what happened with the NPC from every player's stream", async () => {
    const now = await stateAt(store, { kind: 'npc', id: 'elder' });
    expect(now.state).toMatchObject({
      conversations: 2,
      lastTalk: { playerId: 'p2', message: 'the star?' },
      relationships: { p1: 2 },
      questsCompletedFor: [{ playerId: 'p1', questId: 'prophecy' }],
    });
    const then = await stateAt(store, { kind: 'npc', id: 'elder', position: at.firstTalk! });
    expect(then.state).toMatchObject({ conversations: 1, relationships: {}, questsCompletedFor: [] });
    expect(then.asOf.position).toBe(at.firstTalk);
  });
});
