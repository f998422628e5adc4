import { type ParsedCommand, parseCommand } from './parse-command.ts';
import type { SceneNames } from './scene-names.ts';

/** A command read into actions, and by whom: the deterministic parser, or a model (checked by it). */
export type Interpretation = ParsedCommand & { by: 'parser' | 'model' };

/** Reads a player's free text into the actions it asks for (see parseCommand). */
export interface CommandInterpreter {
  interpret(text: string, scene: SceneNames): Promise<Interpretation>;
}

/** The deterministic parser: the interpreter when no model is configured, and every model's fallback. */
export class ParserInterpreter implements CommandInterpreter {
  constructor(private readonly maxActions: number) {}

  async interpret(text: string, scene: SceneNames): Promise<Interpretation> {
    return { ...parseCommand(text, { scene, maxActions: this.maxActions }), by: 'parser' };
  }
}
