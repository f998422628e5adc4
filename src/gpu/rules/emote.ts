import type { ActionOf } from '../../domain/actions.ts';
import type { ActionContext, Proposal } from '../lane.ts';

/**
 * A gesture everyone here sees after the player's name ("Aldric waves."). The text is the player's
 * own, already cleaned (one line, nothing invisible); the player's name in front is dropped when
 * typed ("Aldric waves" → "waves"), and a sentence gets its full stop.
 */
export function emote(context: ActionContext, action: ActionOf<'emote'>): Proposal {
  const name = context.player.username;
  const message = gesture(action.message, name);
  if (!message)
    return {
      effects: [],
      source: 'rules',
      result: { action_type: 'emote', narration: 'Do what? (emote waves)' },
    };
  return {
    effects: [{ kind: 'emote', message }],
    source: 'rules',
    result: { action_type: 'emote', narration: `${name} ${message}`, message },
  };
}

/** The gesture as it follows the name: own name and a leading "/me" dropped, ended like a sentence. */
export function gesture(text: string, name: string): string {
  let rest = text.trim().replace(/^\/?me\s+/i, '');
  const typed = rest.toLowerCase();
  const own = name.toLowerCase();
  if (own && (typed === own || typed.startsWith(`${own} `))) rest = rest.slice(name.length).trim();
  if (!rest) return '';
  return /[.!?…"')\]]$/u.test(rest) ? rest : `${rest}.`;
}
