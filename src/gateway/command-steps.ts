import type { Action } from '../domain/actions.ts';
import type { ActionResult, ResultSource } from '../domain/player/player.ts';

/** One action of a command, as its `action_result` frame answered it. */
export interface StepOutcome {
  result: ActionResult;
  source: ResultSource;
  position: string;
  replayed?: boolean;
}

/**
 * The frame id of a command's `index`th action (from 0): `<command id>.<n>` from 1. Derived, so that a
 * retry of the command with the same id finds each action it already took (and takes it once).
 */
export const stepFrameId = (commandFrameId: string, index: number) => `${commandFrameId}.${index + 1}`;

/**
 * Whether a step's result refused its action: the rules mark it (`refused: true`); a move that did
 * not move and a result carrying an `error` (the server could not complete it) are refusals too.
 */
export function isRefusal(result: ActionResult): boolean {
  return result.refused === true || result.moved === false || result.error !== undefined;
}

/** An action in a player's words ("take bucket", "go north", "give ring to Mira"), for "not done: …". */
export function describeAction(action: Action): string {
  switch (action.action_type) {
    case 'move':
      return `go ${action.direction ?? action.to}`;
    case 'talk':
      return `talk to ${action.npc}: ${action.message}`;
    case 'give':
      return `give ${action.item} to ${action.to}`;
    case 'whisper':
      return `whisper to ${action.to}: ${action.message}`;
    case 'use':
      return `use ${action.item}${action.target ? ` on ${action.target}` : ''}`;
    default: {
      const { action_type, ...fields } = action;
      const words = Object.values(fields).filter((value): value is string => typeof value === 'string');
      return [action_type, ...words].join(' ');
    }
  }
}
