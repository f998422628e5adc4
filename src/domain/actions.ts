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

const name = playerText(80);
const message = playerText(MAX_ACTION_TEXT);

export const actionSchemas = {
  look: z.object({ action_type: z.literal('look') }),
  move: z
    .object({
      action_type: z.literal('move'),
      direction: z.enum([...DIRECTIONS, 'n', 's', 'e', 'w', 'u', 'd']).optional(),
      to: name.optional(),
    })
    .refine((a) => a.direction !== undefined || a.to !== undefined, {
      message: 'move needs a "direction" or a "to" (location name)',
    }),
  talk: z.object({ action_type: z.literal('talk'), npc: name, message: message.default('hello') }),
  attack: z.object({ action_type: z.literal('attack'), target: name }),
  take: z.object({ action_type: z.literal('take'), item: name }),
  drop: z.object({ action_type: z.literal('drop'), item: name }),
  use: z.object({ action_type: z.literal('use'), item: name, target: name.optional() }),
  inventory: z.object({ action_type: z.literal('inventory') }),
  quest: z.object({
    action_type: z.literal('quest'),
    op: z.enum(['accept', 'status', 'abandon']).default('status'),
    quest: name.optional(),
  }),
  say: z.object({ action_type: z.literal('say'), message }),
} as const;

export type ActionType = keyof typeof actionSchemas;
export const ACTION_TYPES = Object.keys(actionSchemas) as ActionType[];

export const actionSchema = z.discriminatedUnion('action_type', [
  actionSchemas.look,
  actionSchemas.move,
  actionSchemas.talk,
  actionSchemas.attack,
  actionSchemas.take,
  actionSchemas.drop,
  actionSchemas.use,
  actionSchemas.inventory,
  actionSchemas.quest,
  actionSchemas.say,
]);
export type Action = z.infer<typeof actionSchema>;
export type ActionOf<T extends ActionType> = Extract<Action, { action_type: T }>;

export function isActionType(value: unknown): value is ActionType {
  return typeof value === 'string' && Object.hasOwn(actionSchemas, value);
}
