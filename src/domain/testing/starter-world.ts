import starterContent from '../../../content/starter-world.json' with { type: 'json' };
import { buildWorld, type World } from '../world/world.ts';

/** The starter world shipped in content/, for the domain's tests. */
export function starterWorld(): World {
  return buildWorld(structuredClone(starterContent), 'content/starter-world.json');
}
