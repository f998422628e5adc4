import { describe, expect, it } from 'vitest';
import { fold } from '../decider.ts';
import { fixtureWorld } from '../testing/fixture-world.ts';
import { type PlayerEvent, playerDecider } from './player.ts';
import { playerStatus } from './player-status.ts';

const world = fixtureWorld();
const decider = playerDecider(world);
const p = 'p1';
const registered: PlayerEvent[] = [
  { type: 'PlayerRegistered', data: { playerId: p, username: 'ayla' } },
  { type: 'PlayerSpawned', data: { playerId: p, locationId: 'square', hp: 20, maxHp: 20 } },
];
const added = (itemId: string): PlayerEvent => ({
  type: 'ItemAddedToInventory',
  data: { playerId: p, itemId, reason: 'taken' },
});
const statusAfter = (events: PlayerEvent[]) => playerStatus(world, fold(decider, [...registered, ...events]));

describe('playerStatus', () => {
  it('shows a new player with full HP, no xp, empty hands and no quests', () => {
    expect(statusAfter([])).toEqual({
      hp: 20,
      max_hp: 20,
      xp: 0,
      inventory: [],
      wielding: null,
      wearing: null,
      quests: [],
    });
  });

  it('lists every item carried by name and kind, and wields the weapon attacks use', () => {
    const status = statusAfter([
      added('herb'),
      added('dagger'),
      added('vest'),
      added('herb'),
      { type: 'DamageTaken', data: { playerId: p, amount: 5, hp: 15, cause: 'wolf' } },
      { type: 'XpGained', data: { playerId: p, amount: 10, xp: 10, reason: 'defeated:wolf' } },
    ]);
    expect(status).toMatchObject({ hp: 15, max_hp: 20, xp: 10, wielding: { id: 'dagger', name: 'dagger' } });
    expect(status.inventory).toEqual([
      { id: 'herb', name: 'healing herb', kind: 'consumable' },
      { id: 'dagger', name: 'dagger', kind: 'weapon' },
      { id: 'vest', name: 'leather vest', kind: 'armor' },
      { id: 'herb', name: 'healing herb', kind: 'consumable' },
    ]);
  });

  it('wields nothing when the only weapon was dropped, and armour is not a weapon', () => {
    const status = statusAfter([
      added('dagger'),
      added('vest'),
      { type: 'ItemRemovedFromInventory', data: { playerId: p, itemId: 'dagger', reason: 'dropped' } },
    ]);
    expect(status.wielding).toBeNull();
    expect(status.inventory).toEqual([{ id: 'vest', name: 'leather vest', kind: 'armor' }]);
  });

  it('shows each quest with its step count and the current objective, none once completed', () => {
    const accepted: PlayerEvent = { type: 'QuestAccepted', data: { playerId: p, questId: 'prophecy' } };
    const stepDone = (stepId: string, step: number): PlayerEvent => ({
      type: 'QuestStepCompleted',
      data: { playerId: p, questId: 'prophecy', stepId, step },
    });
    expect(statusAfter([accepted]).quests).toEqual([
      {
        id: 'prophecy',
        name: "The Elder's Prophecy",
        status: 'active',
        step: 0,
        steps: 3,
        objective: 'Visit the woods.',
      },
    ]);
    expect(statusAfter([accepted, stepDone('visit-woods', 0)]).quests[0]).toMatchObject({
      step: 1,
      objective: 'Defeat the wolf.',
    });
    expect(
      statusAfter([
        accepted,
        stepDone('visit-woods', 0),
        stepDone('slay-wolf', 1),
        stepDone('bring-petal', 2),
        { type: 'QuestCompleted', data: { playerId: p, questId: 'prophecy' } },
      ]).quests,
    ).toEqual([{ id: 'prophecy', name: "The Elder's Prophecy", status: 'completed', step: 3, steps: 3 }]);
  });

  it('leaves out items and quests the content no longer defines', () => {
    const status = statusAfter([
      added('gone-item'),
      added('herb'),
      { type: 'QuestAccepted', data: { playerId: p, questId: 'gone-quest' } },
    ]);
    expect(status.inventory).toEqual([{ id: 'herb', name: 'healing herb', kind: 'consumable' }]);
    expect(status.quests).toEqual([]);
  });
});
