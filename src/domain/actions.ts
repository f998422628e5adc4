import { z } from 'zod';
import { DIRECTIONS } from './world/world.ts';

/** Longest free text a player may send in one action (names, messages). */
export const MAX_ACTION_TEXT = 500;

// Control characters are stripped so nothing a player types can forge structure in logs or prompts.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const playerText = (max: number) =>
  z
    .string()
    .transform((s) => s.replace(CONTROL_CHARACTERS, '').trim())
    .pipe(z.string().min(1).max(max));

export const actionSchemas = {
  look: z.object({ action_type: z.literal('look') }),
  move: z
    .object({
      action_type: z.literal('move'),
      direction: z.enum([...DIRECTIONS, 'n', 's', 'e', 'w', 'u', 'd']).optional(),
      to: playerText(80).optional(),
    })
    .refine((a) => a.direction !== undefined || a.to !== undefined, {
      message: 'move needs a "direction" or a "to" (location name)',
    }),
} as const;

export type ActionType = keyof typeof actionSchemas;
export const ACTION_TYPES = Object.keys(actionSchemas) as ActionType[];

export const actionSchema = z.discriminatedUnion('action_type', [actionSchemas.look, actionSchemas.move]);
export type Action = z.infer<typeof actionSchema>;

export function isActionType(value: unknown): value is ActionType {
  return typeof value === 'string' && value in actionSchemas;
}
