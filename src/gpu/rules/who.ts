import type { ActionContext, Proposal } from '../lane.ts';
import { answer } from './answer.ts';

/** Players `who` names one by one; beyond them, a count (a crowd must not make a wall of text). */
export const WHO_LISTED_PLAYERS = 30;

/** The players online in the world, by name, each with the name of the place they stand in. */
export function who(context: ActionContext): Proposal {
  const everyone = context.online.everyone();
  const listed = everyone.slice(0, WHO_LISTED_PLAYERS).map((player) => ({
    name: player.name,
    location: context.world.locations.get(player.locationId)?.name ?? player.locationId,
    ...(player.playerId === context.player.playerId ? { you: true } : {}),
  }));
  const more = everyone.length - listed.length;
  const alone = everyone.every((player) => player.playerId === context.player.playerId);
  const lines = alone
    ? ['Nobody else is in the world just now.']
    : [
        `${everyone.length} players are in the world:`,
        ...listed.map((p) => `  ${p.name}${p.you ? ' (you)' : ''} — ${p.location}`),
        ...(more > 0 ? [`  …and ${more} more.`] : []),
      ];
  return answer('who', lines.join('\n'), { players: listed, count: everyone.length });
}
