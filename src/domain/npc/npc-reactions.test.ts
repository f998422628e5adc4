import { describe, expect, it } from 'vitest';
import { starterWorld } from '../testing/starter-world.ts';
import type { WorldHappening } from './npc-happenings.ts';
import { reactionsTo } from './npc-reactions.ts';

const world = starterWorld();
/** The starter world runs a game hour a real minute: midnight UTC starts a game day. */
const atGameHour = (hour: number) => new Date(Date.UTC(2026, 10, 27) + hour * 60_000);

/** Given the world at a game hour, when something happens, then these NPCs react, where, and how. */
function when(happening: WorldHappening, hour: number) {
  return reactionsTo(happening, world, atGameHour(hour)).map(({ type, data }) => ({
    type,
    npcId: data.npcId,
    locationId: data.locationId,
    reaction: data.reaction,
  }));
}

describe('NPCs react to world events', () => {
  it('a quest completed: its giver where the giver is, and the NPCs at the place where it ended', () => {
    const happening: WorldHappening = {
      type: 'QuestCompleted',
      playerId: 'p1',
      questId: 'silk-for-salves',
      locationId: 'tavern',
      playerName: 'Ayla',
    };
    expect(when(happening, 19)).toEqual([
      { type: 'NpcReacted', npcId: 'brenna', locationId: 'tavern', reaction: 'impressed' },
      { type: 'NpcReacted', npcId: 'old-tom', locationId: 'tavern', reaction: 'impressed' },
      { type: 'NpcReacted', npcId: 'mira', locationId: 'herbalist-cottage', reaction: 'proud' },
      { type: 'NpcReacted', npcId: 'sylvi', locationId: 'tavern', reaction: 'impressed' },
    ]);
    const [brenna] = reactionsTo(happening, world, atGameHour(19));
    expect(brenna!.data.line).toBe(
      "Ha! Did you hear? Ayla finished ‘Silk for Salves’ for Mira. That's worth a toast!",
    );
    expect(brenna!.data.cause).toEqual({
      type: 'QuestCompleted',
      playerId: 'p1',
      questId: 'silk-for-salves',
    });
  });

  it('a quest completed beside its giver: the giver reacts once, as the giver', () => {
    const happening: WorldHappening = {
      type: 'QuestCompleted',
      playerId: 'p1',
      questId: 'elders-prophecy',
      locationId: 'elders-hut',
    };
    expect(when(happening, 12)).toEqual([
      { type: 'NpcReacted', npcId: 'elder-zorathian', locationId: 'elders-hut', reaction: 'proud' },
    ]);
  });

  it("a player's death: the NPCs at the place, and nobody where no NPC stands", () => {
    const fell = (locationId: string): WorldHappening => ({
      type: 'PlayerDefeated',
      playerId: 'p1',
      locationId,
      playerName: 'Ayla',
    });
    expect(when(fell('forest-edge'), 7)).toEqual([
      { type: 'NpcReacted', npcId: 'mira', locationId: 'forest-edge', reaction: 'shaken' },
    ]);
    expect(when(fell('forest-edge'), 12)).toEqual([]);
    expect(when(fell('wolf-hollow'), 7)).toEqual([]);
    expect(reactionsTo(fell('forest-edge'), world, atGameHour(7))[0]!.data.line).toContain('Ayla');
  });

  it('a boss defeated: those who asked for its death or know of it; a common beast only by those who saw it', () => {
    const slain = (enemyId: string): WorldHappening => ({
      type: 'EnemyDefeated',
      playerId: 'p1',
      enemyId,
      locationId: enemyId === 'barrow-wight' ? 'barrow-crypt' : 'wolf-hollow',
    });
    expect(when(slain('barrow-wight'), 12)).toEqual([
      { type: 'NpcReacted', npcId: 'elder-zorathian', locationId: 'elders-hut', reaction: 'relieved' },
      { type: 'NpcReacted', npcId: 'corwen', locationId: 'hermits-shelter', reaction: 'relieved' },
    ]);
    expect(when(slain('grey-wolf'), 12)).toEqual([]);
    // A wolf slain at the forest's edge while Mira gathers herbs there: she saw it, nobody else remarks.
    const strayed: WorldHappening = { ...slain('grey-wolf'), locationId: 'forest-edge', playerName: 'Ayla' };
    expect(when(strayed, 7)).toEqual([
      { type: 'NpcReacted', npcId: 'mira', locationId: 'forest-edge', reaction: 'awed' },
    ]);
    expect(reactionsTo(strayed, world, atGameHour(7))[0]!.data.line).toContain(
      'Ayla brought down the grey wolf',
    );
    expect(when(strayed, 12)).toEqual([]);
  });

  it('is the same for the same state, and stamps the time it was given', () => {
    const happening: WorldHappening = { type: 'PlayerDefeated', playerId: 'p1', locationId: 'tavern' };
    const first = reactionsTo(happening, world, atGameHour(20));
    expect(first).toHaveLength(3);
    expect(reactionsTo(happening, world, atGameHour(20))).toEqual(first);
    expect(first.every((r) => r.data.at === atGameHour(20).toISOString())).toBe(true);
    expect(first[0]!.data.line).toContain('That traveller');
    // Each in its own mood: cheerful Brenna, calm Sylvi.
    expect(first.map((r) => [r.data.npcId, r.data.line])).toEqual([
      [
        'brenna',
        "Ha! That traveller fell, right here! Somebody get them a drink when they're back on their feet.",
      ],
      [
        'old-tom',
        "Ha! That traveller fell, right here! Somebody get them a drink when they're back on their feet.",
      ],
      ['sylvi', 'That traveller fell, right here! Let them rise again, and wiser.'],
    ]);
  });

  it('ignores a quest the content does not have', () => {
    expect(when({ type: 'QuestCompleted', playerId: 'p1', questId: 'no-such-quest' }, 12)).toEqual([]);
  });
});
