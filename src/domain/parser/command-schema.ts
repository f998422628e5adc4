import { z } from 'zod';
import { MAX_ACTION_TEXT } from '../actions.ts';
import { cleanPlayerText, hasLoneSurrogate } from '../player-text.ts';

/**
 * The free-text action: `{"action_type":"command","text":"pick up the sword and go north"}`. The
 * text is cleaned like every player text (one line, no control or invisible characters) and holds
 * at most MAX_ACTION_TEXT characters; the server reads it into actions (see parseCommand).
 */
export const commandSchema = z.object({
  action_type: z.literal('command'),
  text: z
    .string()
    .max(MAX_ACTION_TEXT * 4, `text: at most ${MAX_ACTION_TEXT} characters`)
    .refine((s) => !hasLoneSurrogate(s), 'must be Unicode text (it holds a lone surrogate)')
    .transform(cleanPlayerText)
    .pipe(z.string().min(1, 'say what you want to do').max(MAX_ACTION_TEXT)),
});

export type CommandAction = z.infer<typeof commandSchema>;
