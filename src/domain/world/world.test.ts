import { describe, expect, it } from 'vitest';
import { starterWorld } from '../testing/starter-world.ts';
import {
  buildWorld,
  type Direction,
  findExit,
  OPPOSITE,
  type Quest,
  type World,
  WorldContentError,
} from './world.ts';

/** Every location a player can walk to from the start. */
function reachableLocations(world: World): Set<string> {
  const seen = new Set([world.content.startLocation]);
  const queue = [world.content.startLocation];
  while (queue.length > 0) {
    const location = world.locations.get(queue.shift()!)!;
    for (const target of Object.values(location.exits)) {
      if (target === undefined || seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return seen;
}

/** The quest and every quest it requires, transitively. */
function questChain(world: World, quest: Quest): Quest[] {
  const chain = [quest];
  for (let required = quest.requires; required !== undefined; ) {
    const next = world.quests.get(required)!;
    if (chain.includes(next)) break;
    chain.push(next);
    required = next.requires;
  }
  return chain;
}

describe('world content', () => {
  const world = starterWorld();

  it('loads the starter world', () => {
    expect(world.locations.size).toBeGreaterThanOrEqual(3);
    expect(world.locations.get(world.content.startLocation)).toBeDefined();
  });

  it('finds exits by direction, abbreviation, name or id', () => {
    const square = world.locations.get('village-square')!;
    expect(findExit(world, square, 'north')?.to.id).toBe('elders-hut');
    expect(findExit(world, square, 'n')?.to.id).toBe('elders-hut');
    expect(findExit(world, square, 'The Smithy')?.direction).toBe('east');
    expect(findExit(world, square, 'tavern')?.direction).toBe('west');
    expect(findExit(world, square, 'up')).toBeUndefined();
  });

  it('names the path and the problem of bad content', () => {
    const bad = structuredClone(world.content) as Record<string, unknown> & typeof world.content;
    bad.locations[0]!.exits.north = 'atlantis';
    (bad.items[0] as { weight: unknown }).weight = 'heavy';
    expect(() => buildWorld(bad, 'world.json')).toThrow(WorldContentError);
    expect(() => buildWorld(bad, 'world.json')).toThrow(
      /world.json is invalid:\n {2}at items\[0\]\.weight: /,
    );
    const dangling = structuredClone(world.content);
    dangling.locations[0]!.exits.north = 'atlantis';
    expect(() => buildWorld(dangling)).toThrow('at locations[0].exits.north: unknown location "atlantis"');
  });
});

describe('the starter world', () => {
  const world = starterWorld();
  const { content } = world;
  const reachable = reachableLocations(world);

  it('meets the minimums of a world worth playing', () => {
    expect(content.version).toBe('starter-2');
    expect(content.player).toEqual({ maxHp: 100, unarmedDamage: { min: 1, max: 3 } });
    expect(world.locations.size).toBeGreaterThanOrEqual(12);
    expect(content.regions.length).toBeGreaterThanOrEqual(2);
    expect(new Set(content.locations.map((l) => l.region)).size).toBe(content.regions.length);
    expect(world.npcs.size).toBeGreaterThanOrEqual(6);
    expect(world.enemies.size).toBeGreaterThanOrEqual(3);
    expect(world.items.size).toBeGreaterThanOrEqual(15);
    expect(content.quests.some((q) => q.steps.length >= 3)).toBe(true);
    expect(content.locations.some((l) => l.items.length > 0)).toBe(true);
  });

  it('has Elder Zorathian, who keeps the prophecy', () => {
    const elder = content.npcs.find((npc) => npc.name === 'Elder Zorathian');
    expect(elder?.location).toBe('elders-hut');
    const prophecy = elder?.knowledge.find((k) => /prophecy/i.test(k.topic));
    expect(prophecy?.keywords).toEqual(expect.arrayContaining(['prophecy', 'ancient', 'star']));
    expect(elder!.knowledge.length).toBeGreaterThanOrEqual(4);
  });

  it('fleshes out every NPC', () => {
    for (const npc of content.npcs) {
      expect(npc.greetings.length, npc.id).toBeGreaterThanOrEqual(3);
      expect(npc.farewells.length, npc.id).toBeGreaterThanOrEqual(2);
      expect(npc.smallTalk.length, npc.id).toBeGreaterThanOrEqual(3);
      expect(npc.knowledge.length, npc.id).toBeGreaterThanOrEqual(3);
      expect(npc.relationships.length, npc.id).toBeGreaterThan(0);
      expect(
        npc.relationships.every((r) => r.npc !== npc.id),
        npc.id,
      ).toBe(true);
      for (const entry of npc.knowledge) {
        expect(
          entry.keywords.every((k) => k === k.toLowerCase()),
          `${npc.id}: ${entry.topic}`,
        ).toBe(true);
        // A topic asked about again goes deeper rather than saying the same again.
        expect(entry.more.length, `${npc.id}: ${entry.topic}`).toBeGreaterThanOrEqual(1);
      }
      expect(npc.allTold.length, npc.id).toBeGreaterThanOrEqual(2);
    }
    expect(content.npcs.filter((npc) => npc.schedule.length > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('gives every region three to five kinds of weather', () => {
    for (const region of content.regions) {
      expect(region.weather.length, region.id).toBeGreaterThanOrEqual(3);
      expect(region.weather.length, region.id).toBeLessThanOrEqual(5);
    }
  });

  it('has symmetric exits', () => {
    for (const location of content.locations) {
      for (const [direction, target] of Object.entries(location.exits) as [Direction, string][]) {
        const back = world.locations.get(target)!.exits[OPPOSITE[direction]];
        expect(back, `${location.id} ${direction} -> ${target}`).toBe(location.id);
      }
    }
  });

  it('lets a player reach every location from the start', () => {
    expect([...world.locations.keys()].filter((id) => !reachable.has(id))).toEqual([]);
  });

  it('keeps the village safe and puts enemies only where combat is allowed', () => {
    const start = world.locations.get(content.startLocation)!;
    for (const location of content.locations) {
      if (location.region === start.region) expect(location.safe, location.id).toBe(true);
      if (location.safe) expect(location.enemies, location.id).toEqual([]);
    }
    for (const enemy of content.enemies) {
      expect(
        content.locations.some((l) => l.enemies.includes(enemy.id)),
        `${enemy.id} lurks somewhere`,
      ).toBe(true);
      expect(enemy.respawnSeconds, enemy.id).toBeGreaterThanOrEqual(30);
      expect(enemy.respawnSeconds, enemy.id).toBeLessThanOrEqual(120);
    }
  });

  it('makes every quest condition something a player can reach', () => {
    const npcReachable = (id: string) => {
      const npc = world.npcs.get(id);
      return (
        npc !== undefined &&
        reachable.has(npc.location) &&
        npc.schedule.every((s) => reachable.has(s.location))
      );
    };
    const enemyReachable = (id: string) =>
      content.locations.some((l) => reachable.has(l.id) && !l.safe && l.enemies.includes(id));
    const itemObtainable = (id: string, quest: Quest) =>
      content.locations.some((l) => reachable.has(l.id) && l.items.includes(id)) ||
      content.enemies.some(
        (enemy) => enemyReachable(enemy.id) && enemy.loot.some((l) => l.item === id && l.chance === 1),
      ) ||
      questChain(world, quest)
        .slice(1)
        .some((required) => required.rewards.items.includes(id));

    for (const quest of content.quests) {
      expect(npcReachable(quest.giver), `${quest.id} giver`).toBe(true);
      for (const step of quest.steps) {
        const c = step.condition;
        const where = `${quest.id}/${step.id}`;
        if (c.type === 'talk') expect(npcReachable(c.npc), where).toBe(true);
        if (c.type === 'visit') expect(reachable.has(c.location), where).toBe(true);
        if (c.type === 'defeat') expect(enemyReachable(c.enemy), where).toBe(true);
        if (c.type === 'have') expect(itemObtainable(c.item, quest), where).toBe(true);
        if (c.type === 'deliver') {
          expect(itemObtainable(c.item, quest), where).toBe(true);
          expect(npcReachable(c.npc), where).toBe(true);
        }
      }
    }
  });

  it('lets a new player beat the first enemy of the first quest with a weapon found in the village', () => {
    const first = content.quests.find((q) => q.requires === undefined && q.steps.length >= 3)!;
    const defeat = first.steps.find((s) => s.condition.type === 'defeat')!.condition as { enemy: string };
    const enemy = world.enemies.get(defeat.enemy)!;
    const villageWeapons = content.locations
      .filter((l) => l.safe && reachable.has(l.id))
      .flatMap((l) => l.items.map((id) => world.items.get(id)!))
      .filter((item) => item.kind === 'weapon');
    expect(villageWeapons.length).toBeGreaterThan(0);
    const best = Math.max(...villageWeapons.map((w) => (w.damage!.min + w.damage!.max) / 2));
    const hits = Math.ceil(enemy.hp / Math.max(1, best - enemy.defense));
    expect(hits).toBeLessThanOrEqual(5);
    expect(hits * enemy.damage.max).toBeLessThan(content.player.maxHp / 2);
  });
});
