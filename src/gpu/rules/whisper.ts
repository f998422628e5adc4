import type { ActionOf } from '../../domain/actions.ts';
import { findByName } from '../../domain/world/lookup.ts';
import type { ActionContext, OnlinePlayer, Proposal } from '../lane.ts';
import { answer } from './answer.ts';

const named = (players: readonly OnlinePlayer[]) => players.map((p) => ({ ...p, id: p.playerId }));

/**
 * Words for one player standing here (by name; the start of a name is enough). Only they hear them:
 * the event is told to them alone, never as news of the place, never to spectators.
 */
export function whisper(context: ActionContext, action: ActionOf<'whisper'>): Proposal {
  const target = findByName(named(context.online.here()), action.to);
  if (!target) {
    const self = findByName([{ id: context.player.playerId, name: context.player.username }], action.to);
    if (self) return answer('whisper', 'You mutter to yourself. Nobody else hears a thing.');
    const npc = findByName(context.npcsHere, action.to);
    if (npc)
      return answer(
        'whisper',
        `A whisper is for players. To speak quietly with ${npc.name}, talk to them (talk ${npc.name}: ${action.message}).`,
      );
    const player = findByName(named(context.online.everyone()), action.to);
    const elsewhere =
      player && player.playerId !== context.player.playerId
        ? player
        : findByName(context.world.content.npcs, action.to);
    return answer(
      'whisper',
      elsewhere
        ? `${elsewhere.name} is not here: a whisper carries only to someone beside you.`
        : `There is no one called ${action.to} here to whisper to.`,
    );
  }
  return {
    effects: [{ kind: 'whisper', to: target.playerId, message: action.message }],
    source: 'rules',
    result: {
      action_type: 'whisper',
      narration: `You whisper to ${target.name}: "${action.message}"`,
      to: target.name,
      message: action.message,
    },
  };
}
