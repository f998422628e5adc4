import { z } from 'zod';
import { cleanPlayerText, hasLoneSurrogate } from './player-text.ts';
import { DIRECTIONS } from './world/world.ts';

/** Longest free text a player may send in one action (names, messages). */
export const MAX_ACTION_TEXT = 500;

// Player text is cleaned on the way in (see cleanPlayerText) so nothing a player types can forge lines
// for other players, structure in logs or prompts; text that is not Unicode at all is refused.
const playerText = (max: number) =>
  z
    .string()
    .refine((s) => !hasLoneSurrogate(s), 'must be Unicode text (it holds a lone surrogate)')
    .transform(cleanPlayerText)
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
  examine: z.object({ action_type: z.literal('examine'), target: name }),
  /** `to`: an NPC or a player standing here. */
  give: z.object({ action_type: z.literal('give'), item: name, to: name }),
  /** offer (the default): `give` for `for`, to the player `with`; accept/decline: the offer of `with`. */
  trade: z
    .object({
      action_type: z.literal('trade'),
      op: z.enum(['offer', 'accept', 'decline']).default('offer'),
      with: name.optional(),
      give: name.optional(),
      for: name.optional(),
    })
    .refine(
      (a) => a.op !== 'offer' || (a.with !== undefined && a.give !== undefined && a.for !== undefined),
      {
        message:
          'a trade offer needs "with" (a player here), "give" (an item you carry) and "for" (the item you want)',
      },
    ),
  who: z.object({ action_type: z.literal('who') }),
  help: z.object({ action_type: z.literal('help') }),
  emote: z.object({ action_type: z.literal('emote'), message }),
  whisper: z.object({ action_type: z.literal('whisper'), to: name, message }),
  equip: z.object({ action_type: z.literal('equip'), item: name }),
  unequip: z.object({ action_type: z.literal('unequip'), item: name }),
  drink: z.object({ action_type: z.literal('drink'), item: name }),
  eat: z.object({ action_type: z.literal('eat'), item: name }),
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
  actionSchemas.examine,
  actionSchemas.give,
  actionSchemas.trade,
  actionSchemas.who,
  actionSchemas.help,
  actionSchemas.emote,
  actionSchemas.whisper,
  actionSchemas.equip,
  actionSchemas.unequip,
  actionSchemas.drink,
  actionSchemas.eat,
]);
export type Action = z.infer<typeof actionSchema>;
export type ActionOf<T extends ActionType> = Extract<Action, { action_type: T }>;

/** Action types players reach for that name an action under another word: taken as that action. */
export const ACTION_TYPE_ALIASES: Readonly<Record<string, ActionType>> = {
  wear: 'equip',
  wield: 'equip',
  unwield: 'unequip',
  remove: 'unequip',
  quaff: 'drink',
  inspect: 'examine',
  go: 'move',
  get: 'take',
};

export function isActionType(value: unknown): value is ActionType {
  return typeof value === 'string' && Object.hasOwn(actionSchemas, value);
}
