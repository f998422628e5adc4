import type { Direction } from './directions.ts';
import {
  type Enemy,
  type Item,
  type Location,
  type Npc,
  type Quest,
  type WorldContent,
  worldSchema,
} from './world-schema.ts';

export * from './directions.ts';
export * from './world-schema.ts';

/** World content with its cross-references checked and indexed for the rules. */
export interface World {
  readonly content: WorldContent;
  readonly locations: ReadonlyMap<string, Location>;
  readonly items: ReadonlyMap<string, Item>;
  readonly npcs: ReadonlyMap<string, Npc>;
  readonly enemies: ReadonlyMap<string, Enemy>;
  readonly quests: ReadonlyMap<string, Quest>;
}

export class WorldContentError extends Error {
  override readonly name = 'WorldContentError';
  constructor(
    readonly problems: { path: string; message: string }[],
    source = 'world content',
  ) {
    super(`${source} is invalid:\n${problems.map((p) => `  at ${p.path}: ${p.message}`).join('\n')}`);
  }
}

/** Validates raw world content (e.g. a parsed data file): shape first, then every cross-reference. */
export function buildWorld(raw: unknown, source?: string): World {
  const parsed = worldSchema.safeParse(raw);
  if (!parsed.success) {
    throw new WorldContentError(
      parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
      source,
    );
  }
  const content = parsed.data;
  const problems: { path: string; message: string }[] = [];
  const locations = indexById(content.locations, 'locations', problems);
  const items = indexById(content.items, 'items', problems);
  const npcs = indexById(content.npcs, 'npcs', problems);
  const enemies = indexById(content.enemies, 'enemies', problems);
  const quests = indexById(content.quests, 'quests', problems);
  const regions = indexById(content.regions, 'regions', problems);
  const known = {
    location: locations,
    item: items,
    npc: npcs,
    enemy: enemies,
    quest: quests,
    region: regions,
  };
  const ref = (path: string, kind: keyof typeof known, target: string | undefined) => {
    if (target !== undefined && !known[kind].has(target))
      problems.push({ path, message: `unknown ${kind} "${target}"` });
  };

  ref('startLocation', 'location', content.startLocation);
  content.locations.forEach((location, i) => {
    ref(`locations[${i}].region`, 'region', location.region);
    for (const [direction, target] of Object.entries(location.exits))
      ref(`locations[${i}].exits.${direction}`, 'location', target);
    location.items.forEach((item, j) => {
      ref(`locations[${i}].items[${j}]`, 'item', item);
    });
    for (const item of Object.keys(location.itemRespawns)) {
      if (!location.items.includes(item))
        problems.push({
          path: `locations[${i}].itemRespawns.${item}`,
          message: `"${item}" is not one of the items placed here`,
        });
    }
    location.enemies.forEach((enemy, j) => {
      ref(`locations[${i}].enemies[${j}]`, 'enemy', enemy);
    });
  });
  content.npcs.forEach((npc, i) => {
    ref(`npcs[${i}].location`, 'location', npc.location);
    npc.relationships.forEach((r, j) => {
      ref(`npcs[${i}].relationships[${j}].npc`, 'npc', r.npc);
    });
    npc.schedule.forEach((s, j) => {
      ref(`npcs[${i}].schedule[${j}].location`, 'location', s.location);
    });
    npc.situational.forEach((line, j) => {
      line.at?.forEach((at, k) => {
        ref(`npcs[${i}].situational[${j}].at[${k}]`, 'location', at);
      });
    });
  });
  content.enemies.forEach((enemy, i) => {
    enemy.loot.forEach((l, j) => {
      ref(`enemies[${i}].loot[${j}].item`, 'item', l.item);
    });
  });
  content.quests.forEach((quest, i) => {
    ref(`quests[${i}].giver`, 'npc', quest.giver);
    ref(`quests[${i}].requires`, 'quest', quest.requires);
    quest.steps.forEach((step, j) => {
      const path = `quests[${i}].steps[${j}].condition`;
      const c = step.condition;
      if (c.type === 'talk') ref(`${path}.npc`, 'npc', c.npc);
      if (c.type === 'visit') ref(`${path}.location`, 'location', c.location);
      if (c.type === 'defeat') ref(`${path}.enemy`, 'enemy', c.enemy);
      if (c.type === 'have') ref(`${path}.item`, 'item', c.item);
      if (c.type === 'deliver') {
        ref(`${path}.item`, 'item', c.item);
        ref(`${path}.npc`, 'npc', c.npc);
      }
    });
    quest.rewards.items.forEach((item, j) => {
      ref(`quests[${i}].rewards.items[${j}]`, 'item', item);
    });
    quest.rewards.relationships.forEach((r, j) => {
      ref(`quests[${i}].rewards.relationships[${j}].npc`, 'npc', r.npc);
    });
  });
  content.items.forEach((item, i) => {
    if (item.kind === 'weapon' && !item.damage)
      problems.push({ path: `items[${i}].damage`, message: 'a weapon needs a damage range' });
    if (item.kind === 'consumable' && !item.use)
      problems.push({ path: `items[${i}].use`, message: 'a consumable needs a use' });
  });
  if (problems.length > 0) throw new WorldContentError(problems, source);
  return { content, locations, items, npcs, enemies, quests };
}

function indexById<T extends { id: string }>(
  list: T[],
  path: string,
  problems: { path: string; message: string }[],
): Map<string, T> {
  const index = new Map<string, T>();
  list.forEach((entry, i) => {
    if (index.has(entry.id))
      problems.push({ path: `${path}[${i}].id`, message: `duplicate id "${entry.id}"` });
    index.set(entry.id, entry);
  });
  return index;
}

function formatPath(path: PropertyKey[]): string {
  return (
    path.reduce<string>(
      (text, key) =>
        typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
      '',
    ) || '(root)'
  );
}

export function requireLocation(world: World, locationId: string): Location {
  const location = world.locations.get(locationId);
  if (!location) throw new Error(`unknown location ${locationId}`);
  return location;
}

/** Finds the exit a player means: a direction ("north", "n") or the name or id of a neighbouring place. */
export function findExit(
  world: World,
  from: Location,
  wanted: string,
): { direction: Direction; to: Location } | undefined {
  const text = wanted.trim().toLowerCase();
  for (const [direction, target] of Object.entries(from.exits) as [Direction, string][]) {
    const to = world.locations.get(target);
    if (!to) continue;
    if (direction === text || direction[0] === text || to.id === text || to.name.toLowerCase() === text) {
      return { direction, to };
    }
  }
  return undefined;
}
