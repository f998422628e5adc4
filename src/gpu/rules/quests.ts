import type { ActionOf } from '../../domain/actions.ts';
import type { PlayerState } from '../../domain/player/player.ts';
import { currentHint, hintPlaces, type SeenPlace } from '../../domain/player/quest-hints.ts';
import { findByName } from '../../domain/world/lookup.ts';
import type { ActionContext, Proposal } from '../lane.ts';
import { availableQuests } from './quest-offers.ts';
import { trade } from './trade.ts';

const answer = (narration: string, extra: Record<string, unknown> = {}): Proposal => ({
  effects: [],
  source: 'rules',
  result: { action_type: 'quest', narration, ...extra },
});

export async function quest(context: ActionContext, action: ActionOf<'quest'>): Promise<Proposal> {
  const { world, player } = context;
  if (action.op === 'status') return status(context);

  if (action.op === 'accept') {
    const offers = context.npcsHere.flatMap((npc) => availableQuests(context, npc));
    const chosen = action.quest ? findByName(offers, action.quest) : offers[0];
    if (!chosen) {
      const known = action.quest ? findByName(world.content.quests, action.quest) : undefined;
      if (known && player.quests[known.id]) return answer(`You have already taken up "${known.name}".`);
      if (known)
        return answer(
          `Only ${world.npcs.get(known.giver)?.name ?? 'its giver'} can give you "${known.name}".`,
        );
      // "accept" (or "accept bea") with no such quest on offer here answers a trade offered to the player here.
      const tradeOffered = Object.values(context.locationState.trades ?? {}).some(
        (open) => open.to === player.playerId,
      );
      if (tradeOffered)
        return trade(context, {
          action_type: 'trade',
          op: 'accept',
          ...(action.quest ? { with: action.quest } : {}),
        });
      return answer('No one here offers you a quest just now. Talk to people: they may need help.');
    }
    const first = chosen.steps[0]!;
    const accepted = {
      ...player,
      quests: { ...player.quests, [chosen.id]: { status: 'active', step: 0 } as const },
    };
    const hint = (await hintNow(context, accepted, chosen.id)) ?? first.hint;
    return {
      effects: [{ kind: 'accept-quest', quest: chosen.id }],
      source: 'rules',
      result: {
        action_type: 'quest',
        op: 'accept',
        quest: { id: chosen.id, name: chosen.name },
        narration: `Quest accepted: ${chosen.name}.\n${chosen.description}\nFirst: ${first.description} (${hint})`,
      },
    };
  }

  const active = Object.keys(player.quests)
    .map((id) => world.quests.get(id)!)
    .filter(Boolean);
  const chosen = action.quest ? findByName(active, action.quest) : undefined;
  if (!chosen || player.quests[chosen.id]?.status !== 'active')
    return answer(`You have no active quest called "${action.quest ?? ''}".`);
  return {
    effects: [{ kind: 'abandon-quest', quest: chosen.id }],
    source: 'rules',
    result: {
      action_type: 'quest',
      op: 'abandon',
      quest: { id: chosen.id, name: chosen.name },
      narration: `You abandon "${chosen.name}".`,
    },
  };
}

/** The place the player stands in, as they see it: for a hint that cannot wait to read other places. */
export function seenHere(context: ActionContext): (locationId: string) => SeenPlace | undefined {
  return (locationId) =>
    locationId === context.location.id
      ? { items: context.itemsHere, enemies: context.enemiesHere }
      : undefined;
}

/**
 * The hint of a player's current step in a quest as the world is now: reads only the places the hint
 * points at (this one from the context, others as the player would find them).
 */
export async function hintNow(
  context: ActionContext,
  player: Pick<PlayerState, 'quests' | 'inventory'>,
  questId?: string,
): Promise<string | undefined> {
  const here = seenHere(context);
  const places = new Map<string, SeenPlace>();
  for (const locationId of hintPlaces(context.world, player, questId))
    places.set(locationId, here(locationId) ?? (await context.describe(locationId)));
  return currentHint(context.world, player, (id) => places.get(id), questId, context.time.hourOfDay);
}

async function status(context: ActionContext): Promise<Proposal> {
  const { world, player } = context;
  const quests = await Promise.all(
    Object.entries(player.quests).map(async ([id, progress]) => {
      const definition = world.quests.get(id);
      const step = definition?.steps[progress.step];
      const hint = step && progress.status === 'active' ? await hintNow(context, player, id) : undefined;
      return {
        id,
        name: definition?.name ?? id,
        status: progress.status,
        step: progress.step,
        steps: definition?.steps.length ?? 0,
        current: step ? { description: step.description, hint: hint ?? step.hint } : undefined,
      };
    }),
  );
  if (quests.length === 0)
    return answer('You have no quests yet. Talk to the people you meet.', { op: 'status', quests });
  const lines = quests.map((q) =>
    q.status === 'completed'
      ? `✓ ${q.name} (completed)`
      : `• ${q.name} — step ${q.step + 1}/${q.steps}: ${q.current?.description} (${q.current?.hint})`,
  );
  return answer(lines.join('\n'), { op: 'status', quests });
}
