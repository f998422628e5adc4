import type { Direction, World } from './world.ts';

/** The shortest way from one location to another, as the directions to take (breadth-first over the exits). */
export function routeBetween(world: World, from: string, to: string): Direction[] {
  const previous = new Map<string, { from: string; direction: Direction }>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const here = queue.shift()!;
    if (here === to) break;
    for (const [direction, next] of Object.entries(world.locations.get(here)!.exits) as [
      Direction,
      string,
    ][]) {
      if (seen.has(next)) continue;
      seen.add(next);
      previous.set(next, { from: here, direction });
      queue.push(next);
    }
  }
  if (from !== to && !previous.has(to)) throw new Error(`no way from ${from} to ${to}`);
  const steps: Direction[] = [];
  for (let at = to; at !== from; at = previous.get(at)!.from) steps.unshift(previous.get(at)!.direction);
  return steps;
}
