import { z } from 'zod';

export const DIRECTIONS = ['north', 'south', 'east', 'west', 'up', 'down'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const OPPOSITE: Record<Direction, Direction> = {
  north: 'south',
  south: 'north',
  east: 'west',
  west: 'east',
  up: 'down',
  down: 'up',
};

const id = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lowercase words joined by dashes');

export const itemSchema = z.object({
  id,
  name: z.string().min(1),
  description: z.string().min(1),
  weight: z.number().nonnegative(),
  value: z.number().int().nonnegative(),
});

export const locationSchema = z.object({
  id,
  name: z.string().min(1),
  region: id,
  description: z.string().min(1),
  exits: z.partialRecord(z.enum(DIRECTIONS), id),
  items: z.array(id).default([]),
});

export const worldSchema = z.object({
  version: z.string().min(1),
  name: z.string().min(1),
  startLocation: id,
  player: z.object({ maxHp: z.number().int().positive() }),
  regions: z.array(z.object({ id, name: z.string().min(1) })).min(1),
  locations: z.array(locationSchema).min(1),
  items: z.array(itemSchema),
});

export type Item = z.infer<typeof itemSchema>;
export type Location = z.infer<typeof locationSchema>;
export type WorldContent = z.infer<typeof worldSchema>;

/** World content with its cross-references checked and indexed for the rules. */
export interface World {
  readonly content: WorldContent;
  readonly locations: ReadonlyMap<string, Location>;
  readonly items: ReadonlyMap<string, Item>;
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
  const regions = new Set(content.regions.map((r) => r.id));

  if (!locations.has(content.startLocation)) {
    problems.push({ path: 'startLocation', message: `unknown location "${content.startLocation}"` });
  }
  content.locations.forEach((location, i) => {
    if (!regions.has(location.region)) {
      problems.push({ path: `locations[${i}].region`, message: `unknown region "${location.region}"` });
    }
    for (const [direction, target] of Object.entries(location.exits)) {
      if (!locations.has(target)) {
        problems.push({
          path: `locations[${i}].exits.${direction}`,
          message: `unknown location "${target}"`,
        });
      }
    }
    location.items.forEach((itemId, j) => {
      if (!items.has(itemId)) {
        problems.push({ path: `locations[${i}].items[${j}]`, message: `unknown item "${itemId}"` });
      }
    });
  });
  if (problems.length > 0) throw new WorldContentError(problems, source);
  return { content, locations, items };
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
