import { readFile } from 'node:fs/promises';
import { buildWorld, type World, WorldContentError } from '../domain/world/world.ts';

/** Reads and validates a world content file; a bad file names itself, the path inside and the problem. */
export async function loadWorldFile(path: string): Promise<World> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new WorldContentError([{ path: '(file)', message: (error as Error).message }], path);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new WorldContentError(
      [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }],
      path,
    );
  }
  return buildWorld(raw, path);
}
