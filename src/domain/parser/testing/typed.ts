import { type ParsedCommand, parseCommand } from '../parse-command.ts';
import type { SceneNames } from '../scene-names.ts';

/** Given where the player stands, when they type, then this is read. */
export const given = (scene: SceneNames) => ({
  typed: (text: string): ParsedCommand => parseCommand(text, { scene, maxActions: 5 }),
});

export const actionsOf = (parsed: ParsedCommand) => {
  if (!parsed.ok) throw new Error(`not parsed: ${parsed.error} (${parsed.suggestions.join(' | ')})`);
  return parsed.actions;
};

export const refusalOf = (parsed: ParsedCommand) => {
  if (parsed.ok) throw new Error(`parsed as ${JSON.stringify(parsed.actions)}`);
  return parsed;
};
