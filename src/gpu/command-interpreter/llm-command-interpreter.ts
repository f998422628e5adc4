import type { CommandInterpreter, Interpretation } from '../../domain/parser/command-interpreter.ts';
import type { SceneNames } from '../../domain/parser/scene-names.ts';
import type { Logger } from '../../infrastructure/logger.ts';
import { limits } from '../../limits.ts';
import { askBeforeOurDeadline } from '../orchestrator/ask-before-our-deadline.ts';
import type { LaneScheduler } from '../orchestrator/lane-scheduler.ts';
import {
  buildCommandMessages,
  COMMAND_SCHEMA_NAME,
  checkedActions,
  commandOutputSchema,
} from './command-prompt.ts';

export interface LlmCommandInterpreterDeps {
  /** The lane whose model reads commands (the world lane's, at its lowest priority). */
  lane: LaneScheduler;
  /** The deterministic parser: the answer whenever the model gives none that passes the checks. */
  fallback: CommandInterpreter;
  logger: Pick<Logger, 'debug' | 'warn'>;
  maxActions?: number;
  timeoutMs?: number;
}

const MAX_TOKENS = 300;
const ONE_WORD = /^\s*\S+\s*$/;

/**
 * Free text read by a model first: it turns "fetch me that stick from the tower and head back" into
 * the game's actions, each checked by the actions schema. On any failure (no slot in time, a timeout,
 * output that is not the schema, an action that fails its checks, no action at all) the parser reads
 * the text instead. The rules judge the actions afterwards like any other: a model can only ask.
 */
export class LlmCommandInterpreter implements CommandInterpreter {
  private readonly maxActions: number;
  private readonly timeoutMs: number;

  constructor(private readonly deps: LlmCommandInterpreterDeps) {
    this.maxActions = deps.maxActions ?? limits.commandMaxActions;
    this.timeoutMs = deps.timeoutMs ?? limits.commandInterpretTimeoutMs;
  }

  async interpret(text: string, scene: SceneNames): Promise<Interpretation> {
    // One word the parser reads as it stands ("n", "look", "i", "help"): a model has nothing to add.
    if (ONE_WORD.test(text)) {
      const parsed = await this.deps.fallback.interpret(text, scene);
      if (parsed.ok && parsed.corrections.length === 0) return parsed;
    }
    try {
      const output = await askBeforeOurDeadline(
        this.deps.lane,
        'exploration',
        this.timeoutMs,
        {
          messages: buildCommandMessages(text, scene, this.maxActions),
          schema: commandOutputSchema,
          schemaName: COMMAND_SCHEMA_NAME,
          maxTokens: MAX_TOKENS,
          temperature: 0,
        },
        'read the command',
      );
      const actions = checkedActions(output);
      if (actions && actions.length > 0 && actions.length <= this.maxActions)
        return { ok: true, actions, corrections: [], by: 'model' };
      this.deps.logger.debug({ actions: output.actions.length }, 'model reading of a command not used');
    } catch (error) {
      this.deps.logger.debug({ err: error }, 'model could not read a command; the parser reads it');
    }
    return this.deps.fallback.interpret(text, scene);
  }
}
